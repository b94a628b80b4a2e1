import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { App as AntApp, AutoComplete, ConfigProvider, Input, Layout, Menu, Segmented, Skeleton, Space, Tag, Typography } from "antd";
import zhCN from "antd/es/locale/zh_CN";
import enUS from "antd/es/locale/en_US";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { useTranslation } from "react-i18next";
import { Route, Routes, useLocation, useNavigate } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { commands } from "./bindings";
import { call, type Lang } from "./ipc";
import { installShortcuts, SEARCH_INPUT_ID } from "./shortcuts";
import { useDebounced } from "./hooks";
import { markRouteChange } from "./perf";
import Home from "./pages/Home";
import { OnlineTag } from "./OnlineTag";
import { UnlockGate } from "./pages/Unlock";

/** Animations (drawers, modals, dropdowns) are off for users who ask for reduced motion, and
 * under WebDriver: a click aimed at an element that is still zooming in lands beside it (on a
 * modal's mask, for one), which made the e2e suites flaky. */
const MOTION = !(
  (typeof navigator !== "undefined" && navigator.webdriver) ||
  (typeof window !== "undefined" && window.matchMedia?.("(prefers-reduced-motion: reduce)").matches)
);

/** Chinese fonts first: with antd's default list (Latin fonts, then `sans-serif`) every Chinese
 * character fell back through fontconfig's whole font list, which cost the first frame
 * ≈ 200 ms. Noto Sans CJK is what `scripts/setup-debian.sh` installs; the others are the
 * system fonts of macOS and Windows. */
const FONT_FAMILY =
  '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

// Screens other than home load on first use: a smaller first bundle starts
// faster (the charts and the firm forms are not needed for the first screen).
const Firms = lazy(() => import("./pages/Firms"));
const FirmDetail = lazy(() => import("./pages/FirmDetail"));
const Settings = lazy(() => import("./pages/Settings"));
const Products = lazy(() => import("./pages/Products"));
const Team = lazy(() => import("./pages/Team"));
const Import = lazy(() => import("./pages/Import"));
const Sync = lazy(() => import("./pages/Sync"));

const { Sider, Header, Content } = Layout;

export function GlobalSearch() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [text, setText] = useState("");
  // What to search for: the text, except while an input method composes (its pinyin letters).
  const [settled, setSettled] = useState("");
  const [composing, setComposing] = useState(false);
  const q = useDebounced(settled.trim(), 120);
  const hits = useQuery({
    queryKey: ["search", q],
    queryFn: () => call(commands.searchFirms(q, 12)),
    enabled: q.length > 0,
  });
  const options = (hits.data ?? []).map((h) => ({
    value: h.id,
    label: (
      <Space data-testid="search-hit">
        <span>{h.name}</span>
        <Typography.Text type="secondary">{h.uscc}</Typography.Text>
      </Space>
    ),
  }));
  return (
    <AutoComplete
      id={SEARCH_INPUT_ID}
      style={{ width: 420 }}
      options={options}
      value={text}
      onChange={(v: string) => {
        setText(v);
        if (!composing) setSettled(v);
      }}
      onSelect={(id: string) => {
        setText("");
        setSettled("");
        navigate(`/firms/${id}`);
      }}
    >
      <Input.Search
        data-testid="global-search"
        placeholder={t("search.placeholder")}
        allowClear
        onCompositionStart={() => setComposing(true)}
        onCompositionEnd={(e) => {
          setComposing(false);
          setSettled(e.currentTarget.value);
        }}
      />
    </AutoComplete>
  );
}

export default function App() {
  const { t, i18n } = useTranslation();
  const lang: Lang = i18n.language.startsWith("en") ? "en" : "zh";
  const navigate = useNavigate();
  const location = useLocation();
  markRouteChange(location.pathname);
  useEffect(() => installShortcuts(), []);
  useEffect(() => {
    dayjs.locale(lang === "en" ? "en" : "zh-cn");
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
  }, [lang]);
  const selected = "/" + (location.pathname.split("/")[1] ?? "");
  const items = useMemo(
    () => [
      { key: "/", label: <span data-testid="nav-home">{t("nav.home")}</span> },
      { key: "/firms", label: <span data-testid="nav-firms">{t("nav.firms")}</span> },
      { key: "/products", label: <span data-testid="nav-products">{t("nav.products")}</span> },
      { key: "/team", label: <span data-testid="nav-team">{t("nav.team")}</span> },
      { key: "/import", label: <span data-testid="nav-import">{t("nav.import")}</span> },
      { key: "/sync", label: <span data-testid="nav-sync">{t("nav.sync")}</span> },
      { key: "/settings", label: <span data-testid="nav-settings">{t("nav.settings")}</span> },
    ],
    [t],
  );
  return (
    <ConfigProvider locale={lang === "en" ? enUS : zhCN} theme={{ token: { colorPrimary: "#1677ff", motion: MOTION, fontFamily: FONT_FAMILY } }}>
      <AntApp>
        <UnlockGate>
          <Layout style={{ minHeight: "100vh" }}>
            <Sider width={188} theme="light" style={{ borderRight: "1px solid #f0f0f0" }}>
              <div style={{ padding: "18px 16px", fontWeight: 600, fontSize: 16 }} data-testid="app-title">
                {t("app.title")}
              </div>
              <Menu mode="inline" selectedKeys={[selected === "/" ? "/" : selected]} items={items} onClick={(e) => navigate(e.key)} />
            </Sider>
            <Layout>
              <Header style={{ background: "#fff", display: "flex", alignItems: "center", gap: 16, padding: "0 20px", borderBottom: "1px solid #f0f0f0" }}>
                <GlobalSearch />
                <Tag>{t("search.hint")}</Tag>
                <div style={{ flex: 1 }} />
                <OnlineTag />
                <Segmented
                  data-testid="lang-switch"
                  value={lang}
                  options={[
                    { label: "中文", value: "zh" },
                    { label: "English", value: "en" },
                  ]}
                  onChange={(v) => {
                    void i18n.changeLanguage(v as string);
                    localStorage.setItem("fudao.lang", v as string);
                  }}
                />
              </Header>
              <Content style={{ padding: 20 }}>
                <Suspense fallback={<Skeleton active />}>
                  <Routes>
                    <Route path="/" element={<Home />} />
                    <Route path="/firms" element={<Firms />} />
                    <Route path="/firms/new" element={<FirmDetail />} />
                    <Route path="/firms/:id" element={<FirmDetail />} />
                    <Route path="/products" element={<Products />} />
                    <Route path="/team" element={<Team />} />
                    <Route path="/import" element={<Import />} />
                    <Route path="/sync" element={<Sync />} />
                    <Route path="/settings" element={<Settings />} />
                  </Routes>
                </Suspense>
              </Content>
            </Layout>
          </Layout>
        </UnlockGate>
      </AntApp>
    </ConfigProvider>
  );
}
