package blocks

var twitterTrigger = triggerSpec("twitter", "twitter.trigger", "X account",
	"Entry for an X (Twitter) account: a mention of the account or a direct message. The interaction leaves by the exit named after its kind.",
	[]string{"mention", "dm"},
	"type: twitter.trigger\nnext: {mention: mood, dm: hours}\n")
