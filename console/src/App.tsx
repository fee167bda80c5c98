import { useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, ConfigProvider, Layout, Select, Space, Tag, Typography } from 'antd';
import enUS from 'antd/locale/en_US';
import viVN from 'antd/locale/vi_VN';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { session } from './api';
import { useHashRoute, usePages, useSandbox, useSelectedPage } from './hooks';
import { LanguageSwitch } from './LanguageSwitch';
import { usePrefersReducedMotion } from './reduced-motion';
import { AudienceScreen } from './screens/Audience';
import { CampaignsScreen } from './screens/Campaigns';
import { FlowsScreen } from './screens/Flows';
import { KeywordsScreen } from './screens/Keywords';
import { PagesScreen } from './screens/Pages';
import { PosScreen } from './screens/Pos';
import { SequencesScreen } from './screens/Sequences';
import { SignIn } from './screens/SignIn';
import { SimulatorScreen } from './screens/Simulator';
import { SubscribersScreen } from './screens/Subscribers';
import { TopicsScreen } from './screens/Topics';
import { tone } from './tone';

const SCREENS = ['pages', 'topics', 'sequences', 'flows', 'keywords', 'pos', 'audience', 'campaigns', 'subscribers', 'simulator'] as const;
type Screen = (typeof SCREENS)[number];
// Darker than antd's defaults so text and buttons pass WCAG AA contrast (axe checks it in the browser tests).
const THEME = {
  token: {
    colorPrimary: '#0958d9',
    colorPrimaryHover: '#003eb3',
    colorPrimaryActive: '#002c8c',
    colorTextDescription: 'rgba(0,0,0,0.65)',
    colorTextTertiary: 'rgba(0,0,0,0.6)',
    colorTextPlaceholder: 'rgba(0,0,0,0.55)',
    // Empty-table text and error texts (and danger buttons) at WCAG AA contrast on white.
    colorTextDisabled: 'rgba(0,0,0,0.56)',
    colorError: '#cf1322',
  },
};
const REDUCED_MOTION_THEME = { token: { ...THEME.token, motion: false } };

export function App() {
  const { i18n } = useTranslation();
  const [signedIn, setSignedIn] = useState(() => session.key() !== null);
  const queryClient = useQueryClient();
  const reducedMotion = usePrefersReducedMotion();
  useEffect(() => {
    const out = () => {
      queryClient.clear();
      setSignedIn(false);
    };
    window.addEventListener('mm:signed-out', out);
    return () => window.removeEventListener('mm:signed-out', out);
  }, [queryClient]);
  return (
    <ConfigProvider locale={i18n.language === 'vi' ? viVN : enUS} theme={reducedMotion ? REDUCED_MOTION_THEME : THEME}>
      <AntApp>{signedIn ? <Shell /> : <SignIn onSignedIn={() => setSignedIn(true)} />}</AntApp>
    </ConfigProvider>
  );
}

function Shell() {
  const { t } = useTranslation();
  const route = useHashRoute();
  const screen: Screen = (SCREENS as readonly string[]).includes(route) ? (route as Screen) : 'pages';
  const pages = usePages();
  const sandbox = useSandbox();
  const [pageId, setPageId] = useSelectedPage(pages.data);
  const screens = SCREENS.filter((s) => s !== 'simulator' || sandbox.data?.sandbox);
  const needsPage = screen !== 'pages' && screen !== 'simulator';
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{ background: '#fff', padding: '0 12px', height: 'auto', lineHeight: 'normal', borderBottom: '1px solid #f0f0f0' }}
      >
        <Space wrap style={{ padding: '8px 0', width: '100%', justifyContent: 'space-between' }}>
          <Space wrap>
            <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
              {t('app.title')}
            </Typography.Title>
            {sandbox.data?.sandbox && <Tag style={tone('orange')}>{t('app.sandboxBadge')}</Tag>}
          </Space>
          <Space wrap>
            {pages.data && pages.data.length > 0 && (
              <Select
                aria-label={t('app.page')}
                value={pageId}
                onChange={setPageId}
                options={pages.data.map((p) => ({ value: p.id, label: p.name }))}
                style={{ minWidth: 150 }}
              />
            )}
            <LanguageSwitch />
            <Button onClick={session.signOut}>{t('app.signOut')}</Button>
          </Space>
        </Space>
        {/* A wrapping row of links rather than a collapsing menu: every screen stays one tap away at 390 px. */}
        <nav aria-label={t('app.title')}>
          <ul style={{ display: 'flex', flexWrap: 'wrap', gap: 4, listStyle: 'none', margin: 0, padding: '0 0 8px' }}>
            {screens.map((s) => (
              <li key={s}>
                <Button
                  type={s === screen ? 'primary' : 'text'}
                  href={`#/${s}`}
                  aria-current={s === screen ? 'page' : undefined}
                  size="small"
                >
                  {t(`nav.${s}`)}
                </Button>
              </li>
            ))}
          </ul>
        </nav>
      </Layout.Header>
      <Layout.Content style={{ padding: 12, maxWidth: 1100, width: '100%', margin: '0 auto' }}>
        <main>
          {needsPage && !pageId ? (
            <Alert type="info" showIcon message={t('app.noPage')} />
          ) : (
            <>
              {screen === 'pages' && <PagesScreen pages={pages.data ?? []} />}
              {screen === 'topics' && <TopicsScreen pageId={pageId!} />}
              {screen === 'sequences' && <SequencesScreen pageId={pageId!} />}
              {screen === 'flows' && <FlowsScreen pageId={pageId!} />}
              {screen === 'keywords' && <KeywordsScreen pageId={pageId!} />}
              {screen === 'pos' && <PosScreen pageId={pageId!} pages={pages.data ?? []} />}
              {screen === 'audience' && <AudienceScreen pageId={pageId!} page={pages.data?.find((p) => p.id === pageId)} />}
              {screen === 'campaigns' && <CampaignsScreen pageId={pageId!} page={pages.data?.find((p) => p.id === pageId)} />}
              {screen === 'subscribers' && <SubscribersScreen pageId={pageId!} />}
              {screen === 'simulator' && <SimulatorScreen pageId={pageId} />}
            </>
          )}
        </main>
      </Layout.Content>
    </Layout>
  );
}
