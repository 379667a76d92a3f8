// CloudFront Functions, runtime 2.0: every viewer request for the page (the API's paths
// have their own cache behaviours and never come here). The page's files live under
// releases/<release>/ in the bucket; RELEASE is the live one, and `make deploy` switches
// releases by publishing this code with another RELEASE (Terraform creates it with
// "none", which serves nothing until the first deploy). A path whose last segment has no
// file extension is one of the page's own routes and gets index.html. The function runs
// before the cache lookup, so the rewritten URI is the cache key: each release is cached
// apart, and a switch needs no invalidation.
var RELEASE = "${release}";

function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var last = uri.substring(uri.lastIndexOf("/") + 1);
  request.uri = "/releases/" + RELEASE + (last.indexOf(".") === -1 ? "/index.html" : uri);
  return request;
}
