// The editor's pages and the bar that leads to them. Without a token, the login page.

import { useEffect, useState } from 'react'
import { checkToken, getToken, onTokenChange, setToken, type TokenKind } from './api/client'
import { Link, match, navigate, usePath } from './router'
import { useT } from './i18n/I18n'
import type { MessageId } from './i18n/intl'
import { PreferencesMenu } from './i18n/PreferencesMenu'
import { LoginPage } from './pages/LoginPage'
import { FlowListPage } from './pages/FlowListPage'
import { FlowEditorPage } from './pages/FlowEditorPage'
import { ChannelsPage } from './pages/ChannelsPage'
import { EmergencyPage } from './pages/EmergencyPage'
import { SkillsPage } from './pages/SkillsPage'
import { AgentsPage } from './pages/AgentsPage'
import { SupervisorPage } from './pages/SupervisorPage'
import { DeskPage } from './pages/DeskPage'
import { CannedResponsesPage } from './pages/CannedResponsesPage'

const sections: { to: string; label: MessageId; active?: (p: string) => boolean }[] = [
  { to: '/', label: 'nav.flows', active: (p: string) => p === '/' || p.startsWith('/flows') },
  { to: '/channels', label: 'nav.channels' },
  { to: '/emergency', label: 'nav.emergency' },
  { to: '/skills', label: 'nav.skills' },
  { to: '/agents', label: 'nav.agents' },
  { to: '/canned', label: 'nav.canned' },
  { to: '/supervisor', label: 'nav.supervisor' },
]

export function App() {
  const t = useT()
  const [token, setTokenState] = useState(getToken())
  const [kind, setKind] = useState<{ token: string; kind: TokenKind } | null>(null)
  const path = usePath()
  useEffect(() => onTokenChange(() => setTokenState(getToken())), [])
  // an agent's token opens the workspace only; which kind a token is, the server says
  useEffect(() => {
    if (!token || kind?.token === token) return
    checkToken(token)
      .then((k) => setKind({ token, kind: k }))
      .catch(() => setKind({ token, kind: 'staff' }))
  }, [token, kind])
  const agent = kind?.token === token && kind.kind === 'agent'
  useEffect(() => {
    if (agent && path !== '/desk') navigate('/desk', { replace: true })
  }, [agent, path])
  if (!token) return <LoginPage />
  if (kind?.token !== token) return <p className="muted page">{t('common.loading')}</p>
  if (agent) {
    return (
      <Layout>
        <Link to="/desk" className="active">
          {t('nav.desk')}
        </Link>
        <DeskPage />
      </Layout>
    )
  }
  const flow = match('/flows/:id', path)
  let page
  if (flow) page = <FlowEditorPage key={flow.id} id={flow.id} />
  else if (path === '/channels') page = <ChannelsPage />
  else if (path === '/emergency') page = <EmergencyPage />
  else if (path === '/skills') page = <SkillsPage />
  else if (path === '/agents') page = <AgentsPage />
  else if (path === '/supervisor') page = <SupervisorPage />
  else if (path === '/canned') page = <CannedResponsesPage />
  else if (path === '/desk') page = <p className="notice">{t('desk.needsAgent')}</p>
  else page = <FlowListPage />
  return (
    <Layout>
      <>
        {sections.map((s) => (
          <Link
            key={s.to}
            to={s.to}
            className={(s.active ? s.active(path) : path === s.to) ? 'active' : undefined}
          >
            {t(s.label)}
          </Link>
        ))}
      </>
      {page}
    </Layout>
  )
}

/** The bar with the sections a token may visit (the first child), the preferences and the way
 * out, over the page (the second child). */
function Layout({ children: [links, page] }: { children: [React.ReactNode, React.ReactNode] }) {
  const t = useT()
  return (
    <div className="app">
      <nav className="topbar" aria-label={t('nav.sections')}>
        <span className="brand">Switchboard</span>
        {links}
        <span className="spacer" />
        <PreferencesMenu />
        <button type="button" className="link" onClick={() => setToken(null)}>
          {t('nav.logout')}
        </button>
      </nav>
      <main className="page">{page}</main>
    </div>
  )
}
