// Package openapitest holds tests that call the API to its OpenAPI document: Check tells
// whether an answer (status, headers, body) is one the document describes for the operation,
// and whether a request the server took is one it describes. The API tests of the server and
// the routing scenarios check every call they make with it.
package openapitest
