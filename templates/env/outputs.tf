output "stack" {
  description = "What the environment runs: URL, settings, names and ARNs (no secret values)."
  value       = module.stack
}
