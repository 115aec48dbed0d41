// Package crm is an example of a custom Switchboard block: crm.lookup asks a company's CRM
// about the customer over HTTP. Importing the package registers the block, so a custom build
// of switchboard that imports it validates, documents, tests and runs flows that use it.
package crm
