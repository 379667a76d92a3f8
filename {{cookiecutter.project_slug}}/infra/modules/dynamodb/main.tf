# One table per entry of var.tables (project.json's `tables`), each keyed by strings.
# On-demand capacity: no capacity to plan, nothing paid while idle but storage ("Pricing
# for on-demand capacity", DynamoDB Developer Guide).
resource "aws_dynamodb_table" "this" {
  for_each = var.tables

  name         = "${var.name}-${each.key}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = each.value.hash_key
  range_key    = each.value.range_key

  dynamic "attribute" {
    for_each = compact([each.value.hash_key, each.value.range_key])

    content {
      name = attribute.value
      type = "S"
    }
  }

  # Encrypted with the stack's key rather than DynamoDB's own: its use is logged in
  # CloudTrail and bounded by the key policy (kms:ViaService dynamodb.<region>).
  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  # Continuous backups: any second of the last 35 days can be restored to a new table
  # ("Point-in-time recovery for DynamoDB", DynamoDB Developer Guide).
  point_in_time_recovery {
    enabled = true
  }

  # DynamoDB deletes an item some time after the epoch second in this attribute (usually
  # within days), at no cost ("Time to Live", DynamoDB Developer Guide).
  dynamic "ttl" {
    for_each = each.value.ttl_attribute == null ? [] : [each.value.ttl_attribute]

    content {
      enabled        = true
      attribute_name = ttl.value
    }
  }

  deletion_protection_enabled = var.deletion_protection

  tags = var.tags
}
