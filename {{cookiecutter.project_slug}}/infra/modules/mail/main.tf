# The identity SES sends the app's mail from. A domain is verified by Easy DKIM: three
# CNAME records in its hosted zone, from the tokens SES gives it ("Easy DKIM in Amazon
# SES", SES Developer Guide), with no one to click anything. An address is verified when
# its owner follows the link SES mails to it (SESv2 CreateEmailIdentity).
resource "aws_sesv2_email_identity" "this" {
  email_identity = var.identity
  tags           = var.tags
}

resource "aws_route53_record" "dkim" {
  # Easy DKIM gives a domain three tokens; the count is known at plan time.
  count = var.zone_id == null ? 0 : 3

  zone_id = var.zone_id
  name    = "${aws_sesv2_email_identity.this.dkim_signing_attributes[0].tokens[count.index]}._domainkey.${var.identity}"
  type    = "CNAME"
  ttl     = 1800
  records = ["${aws_sesv2_email_identity.this.dkim_signing_attributes[0].tokens[count.index]}.dkim.amazonses.com"]
}
