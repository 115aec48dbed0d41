package store

import (
	"context"
	"errors"
	"time"

	"github.com/switchboardhq/switchboard/engine"
)

// Errors that callers tell apart with errors.Is.
var (
	// ErrNotFound means the thing named does not exist.
	ErrNotFound = errors.New("not found")
	// ErrExists means a thing with that id or name exists already.
	ErrExists = errors.New("already exists")
	// ErrStale means an optimistic write was based on an old revision.
	ErrStale = errors.New("changed since it was read")
	// ErrInUse means the thing is referred to and cannot be deleted.
	ErrInUse = errors.New("in use")
	// ErrInvalid means the input is malformed: an empty id, an unknown channel type or role.
	ErrInvalid = errors.New("invalid")
)

// Store is Switchboard's persistence: flows and their versions, channels, skills, agents,
// calendars, emergency switches, contacts, API tokens and the audit log. Methods are named
// Noun+Verb and take a context; writes that admins make record an audit entry in the same
// transaction. SQLite and PostgreSQL implement it; one conformance suite checks both.
type Store interface {
	// Dialect is "sqlite" or "postgres".
	Dialect() string
	// Ping checks the database answers.
	Ping(ctx context.Context) error
	// Migrate applies the embedded schema migrations that are not applied yet.
	Migrate(ctx context.Context) error
	// MigrationStatus returns the applied and the latest schema versions.
	MigrationStatus(ctx context.Context) (applied, latest int64, err error)
	// Close releases the database.
	Close() error
	// Bus returns the notifications between the nodes that share the database.
	Bus() Bus

	FlowList(ctx context.Context) ([]Flow, error)
	FlowGet(ctx context.Context, id string) (Flow, error)
	// FlowCreate stores a new flow's draft; ErrExists when the id is taken.
	FlowCreate(ctx context.Context, f Flow, by string) (Flow, error)
	// FlowUpdateDraft replaces a draft. With IfRevision set, a draft whose revision differs is
	// not written: ErrStale, with the current draft returned.
	FlowUpdateDraft(ctx context.Context, p FlowUpdateParams) (Flow, error)
	// FlowDelete deletes a flow with its versions; ErrInUse when a channel uses it.
	FlowDelete(ctx context.Context, id, by string) error
	// FlowPublish stores an immutable new version of a flow (numbered from 1) and makes the draft
	// that source.
	FlowPublish(ctx context.Context, p FlowPublishParams) (FlowVersion, error)
	FlowVersionList(ctx context.Context, id string) ([]FlowVersion, error)
	// FlowVersionGet returns a version; version 0 means the latest.
	FlowVersionGet(ctx context.Context, id string, version int) (FlowVersion, error)

	ChannelList(ctx context.Context) ([]Channel, error)
	ChannelGet(ctx context.Context, id string) (Channel, error)
	ChannelCreate(ctx context.Context, c Channel, by string) (Channel, error)
	// ChannelUpdate replaces a channel; credentials keys with empty values are removed, and
	// credentials not mentioned are kept.
	ChannelUpdate(ctx context.Context, c Channel, by string) (Channel, error)
	ChannelDelete(ctx context.Context, id, by string) error
	// SecretsStatus counts the stored channel credentials by the id of the key that encrypts
	// them ("" for plain text), and checks that each decrypts: ErrSecretKey names the first
	// channel and credential that does not.
	SecretsStatus(ctx context.Context) (map[string]int, error)
	// SecretsRotate encrypts with the current key every stored credential that is not
	// encrypted with it yet, and returns how many it wrote; ErrInvalid without keys.
	SecretsRotate(ctx context.Context, by string) (int, error)

	SkillList(ctx context.Context) ([]Skill, error)
	SkillGet(ctx context.Context, name string) (Skill, error)
	SkillPut(ctx context.Context, s Skill, by string) (Skill, error)
	SkillDelete(ctx context.Context, name, by string) error

	AgentList(ctx context.Context) ([]Agent, error)
	AgentGet(ctx context.Context, id string) (Agent, error)
	AgentPut(ctx context.Context, a Agent, by string) (Agent, error)
	AgentDelete(ctx context.Context, id, by string) error

	CalendarList(ctx context.Context) ([]Calendar, error)
	CalendarGet(ctx context.Context, name string) (Calendar, error)
	// CalendarPut stores a calendar and bumps its version.
	CalendarPut(ctx context.Context, c Calendar, by string) (Calendar, error)
	CalendarDelete(ctx context.Context, name, by string) error

	SwitchList(ctx context.Context) ([]Switch, error)
	SwitchGet(ctx context.Context, name string) (Switch, error)
	SwitchSet(ctx context.Context, name string, on bool, by string) (Switch, error)

	// WorkspaceSettingsGet returns the settings of the whole workspace (settings.Workspace) as
	// stored, empty when never set; WorkspaceSettingsPut replaces them, audited.
	WorkspaceSettingsGet(ctx context.Context) (map[string]any, error)
	WorkspaceSettingsPut(ctx context.Context, settings map[string]any, by string) error

	// ContactLookup finds the contact of an author on a channel type, creating it with the
	// given attributes when there is none. found tells which happened.
	ContactLookup(ctx context.Context, channel string, author engine.Author, attributes map[string]any) (c Contact, found bool, err error)
	ContactGet(ctx context.Context, id string) (Contact, error)
	ContactList(ctx context.Context, p ContactListParams) ([]Contact, error)
	ContactUpdate(ctx context.Context, c Contact, by string) (Contact, error)

	// ProfileGet returns the cached network profile of a customer; ErrNotFound when none.
	ProfileGet(ctx context.Context, channel, externalID string) (Profile, error)
	// ProfilePut stores a customer's network profile, replacing the one cached.
	ProfilePut(ctx context.Context, p Profile) error

	// TokenCreate stores a token by the hash of its secret.
	TokenCreate(ctx context.Context, t Token, by string) (Token, error)
	// TokenByHash finds a token by the hash of its secret and records that it was used.
	TokenByHash(ctx context.Context, hash string, now time.Time) (Token, error)
	TokenList(ctx context.Context) ([]Token, error)
	// TokenDelete deletes a token, but never the last admin token (ErrInUse).
	TokenDelete(ctx context.Context, id, by string) error
	TokenCount(ctx context.Context) (int, error)

	AuditList(ctx context.Context, p AuditListParams) ([]AuditEntry, error)

	Pipeline
	Routing
	Retention
	Webchat
	Desk
}

// Flow is a flow's draft: its source as written, and where it stands.
type Flow struct {
	ID          string `json:"id" db:"id"`
	Name        string `json:"name" db:"name"`
	Description string `json:"description" db:"description"`
	// Source is the draft's text; Format is "yaml" or "json".
	Source string `json:"source" db:"source"`
	Format string `json:"format" db:"format"`
	// Revision counts writes of the draft; it is the draft's ETag.
	Revision int64 `json:"revision" db:"revision"`
	// LatestVersion is the newest published version, 0 when none.
	LatestVersion int       `json:"latest_version" db:"latest_version"`
	CreatedAt     time.Time `json:"created_at" db:"created_at"`
	UpdatedAt     time.Time `json:"updated_at" db:"updated_at"`
	UpdatedBy     string    `json:"updated_by" db:"updated_by"`
}

// FlowUpdateParams replace a draft.
type FlowUpdateParams struct {
	ID, Name, Description, Source, Format string
	// IfRevision, when not zero, is the revision the change was made from.
	IfRevision int64
	By         string
}

// FlowPublishParams publish a new version.
type FlowPublishParams struct {
	ID, Source, Format, Author, Message string
	// Name and Description update the flow's, from the published document.
	Name, Description string
}

// FlowVersion is an immutable published version of a flow.
type FlowVersion struct {
	FlowID    string    `json:"flow_id" db:"flow_id"`
	Version   int       `json:"version" db:"version"`
	Source    string    `json:"source" db:"source"`
	Format    string    `json:"format" db:"format"`
	Author    string    `json:"author" db:"author"`
	Message   string    `json:"message" db:"message"`
	CreatedAt time.Time `json:"created_at" db:"created_at"`
}

// Channel types.
const (
	ChannelFacebook  = "facebook"
	ChannelInstagram = "instagram"
	ChannelTwitter   = "twitter"
	ChannelWebchat   = "webchat"
)

// ChannelTypes lists the channel types.
var ChannelTypes = []string{ChannelFacebook, ChannelInstagram, ChannelTwitter, ChannelWebchat}

// Channel is a point of contact: a Facebook page, an Instagram account, an X account or a web chat.
type Channel struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	Name string `json:"name"`
	// Credentials are secrets (app secret, page token, verify token...); the API never returns them.
	Credentials map[string]string `json:"-"`
	// Settings are the channel's options: base URLs, messaging windows, routing behaviour.
	Settings     map[string]any `json:"settings"`
	DefaultFlow  string         `json:"default_flow"`
	DefaultSkill string         `json:"default_skill"`
	Enabled      bool           `json:"enabled"`
	// NeedsReauth is set when the network refused the channel's token.
	NeedsReauth bool      `json:"needs_reauth"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Skill is a routing target.
type Skill struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// Dispositions are the codes an agent may close a conversation of this skill with.
	Dispositions []string `json:"dispositions"`
	// RequireAccept makes offers of this skill ring until the agent accepts or rejects.
	RequireAccept bool `json:"require_accept"`
	SkillRouting
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// SkillRouting is how a skill's conversations find agents (docs/routing.md).
type SkillRouting struct {
	// Strategy orders the free agents: most_proficient, longest_idle, least_busy, round_robin,
	// or manual (agents claim conversations).
	Strategy string `json:"strategy"`
	// AssignmentLimit is the most new conversations of the skill an agent gets per
	// AssignmentWindow (in seconds); 0 is no limit.
	AssignmentLimit  int `json:"assignment_limit,omitempty"`
	AssignmentWindow int `json:"assignment_window,omitempty"`
	// RouterURL is an external router that picks among the candidates within RouterTimeout
	// (a duration such as "2s").
	RouterURL     string `json:"router_url,omitempty"`
	RouterTimeout string `json:"router_timeout,omitempty"`
	// Groups are agent groups in order: group 1's agents first, then group 2's, then the others.
	Groups []string `json:"groups,omitempty"`
}

// Agent is a person who serves conversations.
type Agent struct {
	ID     string         `json:"id"`
	Name   string         `json:"name"`
	Skills map[string]int `json:"skills"`
	// Capacity is how many conversations the agent takes at once.
	Capacity int `json:"capacity"`
	// ChannelCapacity optionally bounds conversations per channel type or per channel (by id;
	// a key that is a channel type is the type).
	ChannelCapacity map[string]int `json:"channel_capacity"`
	Groups          []string       `json:"groups"`
	// Blending lets an agent busy with other work take conversations.
	Blending  bool      `json:"blending"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Calendar is a named calendar blocks may use.
type Calendar struct {
	engine.CalendarDef
	UpdatedAt time.Time `json:"updated_at"`
}

// Switch is an emergency switch.
type Switch struct {
	Name      string    `json:"name"`
	On        bool      `json:"on"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

// Contact is a customer record, found by channel type and the author's id on it.
type Contact struct {
	ID         string         `json:"id"`
	Channel    string         `json:"channel"`
	ExternalID string         `json:"external_id"`
	Name       string         `json:"name"`
	Handle     string         `json:"handle"`
	VIP        bool           `json:"vip"`
	Attributes map[string]any `json:"attributes"`
	LastAgent  string         `json:"last_agent"`
	Tags       []string       `json:"tags"`
	CreatedAt  time.Time      `json:"created_at"`
	UpdatedAt  time.Time      `json:"updated_at"`
}

// Engine returns the contact as the engine sees it.
func (c Contact) Engine() engine.Contact {
	return engine.Contact{ID: c.ID, Name: c.Name, Handle: c.Handle, VIP: c.VIP, Attributes: c.Attributes,
		LastAgent: c.LastAgent, Tags: c.Tags, Known: true}
}

// ContactListParams filter contacts.
type ContactListParams struct {
	// Query matches names and handles.
	Query  string
	Limit  int
	Offset int
}

// Roles of API tokens.
const (
	RoleAdmin      = "admin"
	RoleDesigner   = "designer"
	RoleSupervisor = "supervisor"
	RoleAgent      = "agent"
)

// Roles lists the roles.
var Roles = []string{RoleAdmin, RoleDesigner, RoleSupervisor, RoleAgent}

// Token is an API token; only the hash of its secret is stored.
type Token struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
	// Agent is the agent an agent token speaks for.
	Agent      string     `json:"agent,omitempty"`
	Hash       string     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// AuditEntry records one admin change.
type AuditEntry struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"`
	Object   string    `json:"object"`
	ObjectID string    `json:"object_id"`
	Detail   string    `json:"detail"`
}

// AuditListParams filter the audit log, newest first.
type AuditListParams struct {
	Object   string
	ObjectID string
	Limit    int
	Before   int64 // entries with a smaller id, for paging
}
