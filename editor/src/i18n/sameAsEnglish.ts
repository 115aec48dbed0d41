// Messages that read the same in English and in a translation, on purpose (a word both
// languages share, a product name, a format). The catalogue test fails on any other message a
// translation leaves in English, and the browser test does not report these.

import type { Locale } from './locales.ts'

export const sameAsEnglish: Record<Exclude<Locale, 'en'>, string[]> = {
  // the identifiers placeholders suggest are those of the example flows, in every language
  es: ['desk.vip', 'desk.channel.facebook', 'desk.channel.instagram', 'desk.channel.twitter', 'skills.namePlaceholder', 'emergency.namePlaceholder', 'agents.idPlaceholder', 'common.no', 'common.number', 'severity.error', 'editor.tab.inspector', 'editor.tab.yaml', 'inspector.variables', 'channels.webhook'],
  it: ['desk.vip', 'desk.channel.facebook', 'desk.channel.instagram', 'desk.channel.twitter', 'desk.emoji', 'skills.namePlaceholder', 'emergency.namePlaceholder', 'agents.idPlaceholder', 'common.no', 'common.number', 'editor.tab.yaml', 'channels.webhook'],
  fr: [
    'desk.vip', 'desk.channel.facebook', 'desk.channel.instagram', 'desk.channel.twitter',
    'desk.important',
    'desk.public',
    'desk.contact',
    'skills.namePlaceholder',
    'emergency.namePlaceholder',
    'agents.idPlaceholder',
    'nav.sections',
    'nav.agents',
    'common.actions',
    'common.number',
    'flows.version',
    'editor.tab.yaml',
    'editor.tab.versions',
    'palette.label',
    'diff.line.type',
    'inspector.description',
    'inspector.notes',
    'inspector.variables',
    'simulate.label',
    'simulate.message',
    'simulate.date',
    'replay.conversation',
    'trace.label',
    'trace.agent',
    'trace.important',
    'versions.version',
    'versions.title',
    'conflict.type',
    'channels.webhook',
    'agents.title',
    'agents.agent',
    'supervisor.series.agents',
    'supervisor.agents',
    'supervisor.agent',
    'supervisor.conversations',
    'setting.distribution',
    'setting.description',
  ],
}
