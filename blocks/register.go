package blocks

import "github.com/switchboardhq/switchboard/engine"

// Specs returns the specs of every built-in block.
func Specs() []engine.Spec {
	return []engine.Spec{
		facebookTrigger, instagramTrigger, twitterTrigger, webchatTrigger,
		keywordsSpec, conditionSpec, switchSpec, setSpec, sentimentSpec,
		contactLookupSpec,
		hoursSpec, specialDaysSpec, emergencySpec,
		routeSkillSpec,
		replySpec, socialSpec, tagSpec, closeSpec,
		httpSpec,
		waitReplySpec, subflowSpec, endSpec,
	}
}

// Register adds every built-in block to a registry.
func Register(r *engine.Registry) {
	for _, s := range Specs() {
		r.Register(s)
	}
}

// NewRegistry returns a registry with the built-in blocks and nothing else.
func NewRegistry() *engine.Registry {
	r := engine.NewRegistry()
	Register(r)
	return r
}

func init() {
	engine.Formats["holiday-country"] = holidayCountryFormat
	Register(engine.DefaultRegistry())
}
