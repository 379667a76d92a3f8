################################################################################
# Load balancer
################################################################################

locals {
  # Load balancer and target group names are limited to 32 characters: a longer name is
  # cut and given a hash of the full name, so environments sharing a long prefix stay
  # distinct. The port is in the target group name so a port change can create the new
  # group before deleting the old.
  short_name = length(var.name) <= 26 ? var.name : "${trimsuffix(substr(var.name, 0, 21), "-")}-${substr(md5(var.name), 0, 4)}"
  lb_name    = "${local.short_name}-alb"
  tg_name    = "${local.short_name}-${var.container_port}"

  alb_ports = local.https ? [80, 443] : [80]

  # Behind CloudFront, the one port its requests arrive on.
  cloudfront_port = local.https ? 443 : 80
  forward_all     = var.cloudfront_origin == null
}

resource "aws_lb" "this" {
  #checkov:skip=CKV2_AWS_28:the stack puts a web ACL in front (waf_enabled, on in prod): on this load balancer, or on the CloudFront distribution that alone may reach it
  #checkov:skip=CKV2_AWS_20:HTTP redirects to HTTPS whenever certificate_arn is set; HTTPS needs a certificate and is on whenever the project has a domain
  name                       = local.lb_name
  internal                   = false
  load_balancer_type         = "application"
  security_groups            = [aws_security_group.alb.id]
  subnets                    = var.public_subnet_ids
  drop_invalid_header_fields = true
  enable_deletion_protection = var.alb_deletion_protection
  idle_timeout               = var.alb_idle_timeout
  enable_http2               = true

  dynamic "access_logs" {
    for_each = var.alb_access_logs_bucket == null ? [] : [var.alb_access_logs_bucket]

    content {
      bucket  = access_logs.value
      prefix  = var.name
      enabled = true
    }
  }

  tags = var.tags
}

resource "aws_lb_target_group" "app" {
  #checkov:skip=CKV_AWS_378:TLS ends at the ALB; targets sit in private subnets reachable only from the ALB security group
  name                 = local.tg_name
  port                 = var.container_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30 # below ECS's 30 s stop timeout; the app drains in 20 s

  health_check {
    enabled             = true
    path                = var.health_check_path
    protocol            = "HTTP"
    port                = "traffic-port"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_lb_listener" "https" {
  count = local.https ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  dynamic "default_action" {
    for_each = local.forward_all ? ["forward"] : []

    content {
      type             = "forward"
      target_group_arn = aws_lb_target_group.app.arn
    }
  }

  dynamic "default_action" {
    for_each = local.forward_all ? [] : ["refuse"]

    content {
      type = "fixed-response"

      fixed_response {
        content_type = "text/plain"
        message_body = "Forbidden"
        status_code  = "403"
      }
    }
  }

  tags = var.tags
}

resource "aws_lb_listener" "http_redirect" {
  count = local.https ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }

  tags = var.tags
}

resource "aws_lb_listener" "http" {
  count = local.https ? 0 : 1
  #checkov:skip=CKV_AWS_2:plain HTTP only while certificate_arn is null; HTTPS needs a certificate and is on whenever the project has a domain
  #checkov:skip=CKV_AWS_103:no TLS on this listener until certificate_arn is set; the HTTPS listener then uses a TLS 1.2/1.3 policy

  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  dynamic "default_action" {
    for_each = local.forward_all ? ["forward"] : []

    content {
      type             = "forward"
      target_group_arn = aws_lb_target_group.app.arn
    }
  }

  dynamic "default_action" {
    for_each = local.forward_all ? [] : ["refuse"]

    content {
      type = "fixed-response"

      fixed_response {
        content_type = "text/plain"
        message_body = "Forbidden"
        status_code  = "403"
      }
    }
  }

  tags = var.tags
}

# Behind CloudFront: only requests with the header the distribution adds reach the app, so
# the load balancer's own name is no way around the distribution and its WAF.
resource "aws_lb_listener_rule" "from_cloudfront" {
  count = local.forward_all ? 0 : 1

  listener_arn = local.https ? aws_lb_listener.https[0].arn : aws_lb_listener.http[0].arn
  priority     = 1

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }

  condition {
    http_header {
      http_header_name = var.cloudfront_origin.header_name
      values           = [var.cloudfront_origin_secret]
    }
  }

  tags = var.tags
}
