package server

import (
	"context"
	"fmt"

	"github.com/switchboardhq/switchboard/flows"
	"github.com/switchboardhq/switchboard/store"
)

// storeReferences answers flows.References from the store: the skills, calendars, emergency
// switches and flows that exist.
type storeReferences struct {
	ctx context.Context
	st  store.Store
}

var _ flows.References = storeReferences{}

func (r storeReferences) Names(kind string) ([]string, error) {
	var names []string
	switch kind {
	case "skill":
		list, err := r.st.SkillList(r.ctx)
		for _, x := range list {
			names = append(names, x.Name)
		}
		return names, err
	case "calendar":
		list, err := r.st.CalendarList(r.ctx)
		for _, x := range list {
			names = append(names, x.Name)
		}
		return names, err
	case "switch":
		list, err := r.st.SwitchList(r.ctx)
		for _, x := range list {
			names = append(names, x.Name)
		}
		return names, err
	case "flow":
		list, err := r.st.FlowList(r.ctx)
		for _, x := range list {
			names = append(names, x.ID)
		}
		return names, err
	}
	return nil, fmt.Errorf("no names of %ss", kind)
}
