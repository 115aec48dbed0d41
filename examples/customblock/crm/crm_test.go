package crm_test

import (
	"testing"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/examples/customblock/crm"
	"github.com/switchboardhq/switchboard/flowtest"
)

// The custom build's flow tests pass with the custom block registered.
func TestFlowTests(t *testing.T) {
	flowtest.Check(t, blocks.NewRegistry().With(crm.Spec), "../flows")
}
