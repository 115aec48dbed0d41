package blocks

var instagramTrigger = triggerSpec("instagram", "instagram.trigger", "Instagram account",
	"Entry for an Instagram business account: a comment on its media, a mention of the account, or a Direct message. The interaction leaves by the exit named after its kind.",
	[]string{"comment", "mention", "message"},
	"type: instagram.trigger\nparams: {events: [comment, message]}\nnext: {comment: topic, message: topic}\n")
