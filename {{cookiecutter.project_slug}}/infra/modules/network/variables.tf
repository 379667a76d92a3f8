variable "name" {
  type        = string
  description = "Prefix for resource names."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,38}[a-z0-9]$", var.name))
    error_message = "name must be 3-40 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every taggable resource."
  default     = {}
}

variable "cidr_block" {
  type        = string
  description = "IPv4 CIDR of the VPC, /16 to /24; each subnet gets a /(prefix+4) slice of it."
  default     = "10.0.0.0/16"

  validation {
    condition = (
      can(cidrhost(var.cidr_block, 0)) &&
      can(regex("^[0-9]{1,3}(\\.[0-9]{1,3}){3}/(1[6-9]|2[0-4])$", var.cidr_block)) &&
      try(cidrsubnet(var.cidr_block, 0, 0) == var.cidr_block, false)
    )
    error_message = "cidr_block must be an IPv4 network address with a prefix from /16 to /24, e.g. 10.0.0.0/16."
  }
}

variable "az_count" {
  type        = number
  description = "Number of availability zones to spread the subnets over (2 or 3)."
  default     = 2

  validation {
    condition     = contains([2, 3], var.az_count)
    error_message = "az_count must be 2 or 3."
  }
}

variable "enable_nat_gateway" {
  type        = bool
  description = "Give the private subnets outbound internet access through NAT gateway(s)."
  default     = true
}

variable "single_nat_gateway" {
  type        = bool
  description = "Share one NAT gateway between all private subnets (cheaper); false puts one in each AZ (survives an AZ outage)."
  default     = true
}

variable "dynamodb_endpoint" {
  type        = bool
  description = "Add a DynamoDB gateway endpoint on the private route tables: DynamoDB traffic then stays off the NAT gateways, whose processing charge it would otherwise pay. Gateway endpoints cost nothing."
  default     = false
}

variable "interface_endpoints" {
  type        = list(string)
  description = "Short service names to reach through interface VPC endpoints with private DNS, e.g. [\"secretsmanager\", \"sqs\", \"logs\", \"ecr.api\", \"ecr.dkr\", \"kms\"]. S3 always has a gateway endpoint."
  default     = []

  validation {
    condition = alltrue([
      for service in var.interface_endpoints : can(regex("^[a-z0-9]+([.-][a-z0-9]+)*$", service)) && service != "s3"
    ]) && length(distinct(var.interface_endpoints)) == length(var.interface_endpoints)
    error_message = "interface_endpoints must hold distinct short service names such as \"ecr.api\" (not \"s3\", which has a gateway endpoint)."
  }
}

variable "interface_endpoint_az_count" {
  type        = number
  description = "How many availability zones (the first ones) hold an interface endpoint's network interfaces; null: every zone. Each zone is billed per hour, and a client in another zone still reaches the endpoint through its regional DNS name, so one is enough where a zone outage may stop the environment."
  default     = null

  validation {
    condition     = var.interface_endpoint_az_count == null ? true : (var.interface_endpoint_az_count >= 1 && var.interface_endpoint_az_count <= var.az_count && floor(var.interface_endpoint_az_count) == var.interface_endpoint_az_count)
    error_message = "interface_endpoint_az_count must be null or a whole number from 1 to az_count."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the customer-managed KMS key that encrypts the flow log group."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Days to keep VPC flow logs; one of the values CloudWatch Logs accepts."
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "permissions_boundary" {
  type        = string
  description = "ARN of the policy set as the permissions boundary of every role this module creates (null: none)."
  default     = null
}
