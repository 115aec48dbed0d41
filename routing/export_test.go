package routing

// ComputeInPages is Compute reading the SLA's conversations page at a time, so that a test can
// cross several pages with a few conversations.
var ComputeInPages = compute
