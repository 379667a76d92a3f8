# The functions' security group: outbound only, to AWS APIs and the database.

resource "aws_security_group" "this" {
  count = var.vpc == null ? 0 : 1

  name        = "${var.name}-lambda"
  description = "Lambda functions of ${var.name}: HTTPS out, Postgres inside the VPC"
  vpc_id      = var.vpc.vpc_id

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

# AWS APIs (Secrets Manager, S3, SQS) over HTTPS, through NAT or VPC endpoints.
resource "aws_vpc_security_group_egress_rule" "https" {
  count = var.vpc == null ? 0 : 1

  security_group_id = aws_security_group.this[0].id
  description       = "HTTPS to AWS APIs"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "postgres" {
  count = var.vpc == null ? 0 : 1

  security_group_id = aws_security_group.this[0].id
  description       = "Postgres inside the VPC"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = data.aws_vpc.this[0].cidr_block

  tags = var.tags
}
