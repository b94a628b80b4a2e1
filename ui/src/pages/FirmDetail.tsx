import { useCallback, useEffect, useState } from "react";
import { Alert, App, Button, Skeleton, Space, Tabs, Tag, Typography } from "antd";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import { commands, type FieldError, type Firm } from "../bindings";
import { call, errorText, fieldErrors, fieldProblems } from "../ipc";
import { useDebounced, useFirstContent, useLang } from "../hooks";
import { useSaveShortcut } from "../shortcuts";
import Overview from "./firm/Overview";
import Financials from "./firm/Financials";
import IpQualifications from "./firm/IpQualifications";
import Needs from "./firm/Needs";
import Visits from "./firm/Visits";
import History from "./firm/History";
import Evaluation from "./firm/Evaluation";
import PlanTab from "./firm/PlanTab";

export default function FirmDetail() {
  const { id } = useParams();
  const isNew = id === undefined;
  const { t } = useTranslation();
  const lang = useLang();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const loaded = useQuery({
    queryKey: isNew ? ["new-firm"] : ["firm", id],
    queryFn: () => (isNew ? call(commands.newFirm()) : call(commands.getFirm(id))),
    staleTime: isNew ? Infinity : 0,
    gcTime: isNew ? 0 : undefined,
  });
  const [draft, setDraft] = useState<Firm | null>(null);
  const [dirty, setDirty] = useState(false);
  const [saveErrors, setSaveErrors] = useState<FieldError[]>([]);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (loaded.data) {
      setDraft(loaded.data);
      setDirty(false);
      setSaveErrors([]);
    }
  }, [loaded.data]);

  // Inline validation while typing: the domain library checks the draft.
  const debounced = useDebounced(draft, 250);
  const live = useQuery({
    queryKey: ["check-firm", debounced],
    queryFn: () => call(commands.checkFirm(debounced as Firm)),
    enabled: debounced !== null && dirty,
  });
  const shown = dirty && live.data ? live.data : saveErrors;
  // Consistency warnings of the record as edited (never block saving).
  const checked = debounced ?? draft;
  const warnings = useQuery({
    queryKey: ["firm-warnings", checked],
    queryFn: () => call(commands.firmWarnings(checked as Firm)),
    enabled: checked !== null,
  });
  const errors = fieldErrors(shown, lang);
  useFirstContent(isNew ? "firm-new" : "firm", draft !== null);

  const update = useCallback((patch: Partial<Firm>) => {
    setDraft((d) => (d ? { ...d, ...patch } : d));
    setDirty(true);
  }, []);

  const save = useCallback(async () => {
    if (!draft || saving) return;
    setSaving(true);
    try {
      const saved = await call(commands.saveFirm(draft));
      setSaveErrors([]);
      setDirty(false);
      message.success(t("firm.saved"));
      await qc.invalidateQueries({ queryKey: ["search"] });
      await qc.invalidateQueries({ queryKey: ["firms"] });
      await qc.invalidateQueries({ queryKey: ["firm-tags"] });
      await qc.invalidateQueries({ queryKey: ["app-info"] });
      await qc.invalidateQueries({ queryKey: ["home"] });
      qc.setQueryData(["firm", saved.id], saved);
      await qc.invalidateQueries({ queryKey: ["history", saved.id] });
      await qc.invalidateQueries({ queryKey: ["evaluation", saved.id] });
      if (isNew) navigate(`/firms/${saved.id}`, { replace: true });
      else setDraft(saved);
    } catch (e) {
      setSaveErrors(fieldProblems(e));
      setDirty(false);
      message.error(errorText(e, lang));
    } finally {
      setSaving(false);
    }
  }, [draft, saving, message, t, qc, isNew, navigate, lang]);
  useSaveShortcut(() => void save());

  if (loaded.error) return <Alert type="error" showIcon message={errorText(loaded.error, lang)} />;
  if (!draft) return <Skeleton active />;

  const saveBar = (
    <Space>
      {dirty && <Tag color="orange">{t("firm.unsaved")}</Tag>}
      <Button type="primary" data-testid="save-firm" loading={saving} onClick={() => void save()}>
        {t("common.save")} (Ctrl+S)
      </Button>
    </Space>
  );
  const items = [
    { key: "overview", label: t("firm.tab.overview"), children: <Overview firm={draft} errors={errors} update={update} warnings={warnings.data ?? []} /> },
    { key: "financials", label: t("firm.tab.financials"), children: <Financials firm={draft} errors={errors} update={update} /> },
    { key: "ip", label: t("firm.tab.ip"), children: <IpQualifications firm={draft} errors={errors} update={update} /> },
    { key: "needs", label: <span data-testid="tab-needs">{t("firm.tab.needs")}</span>, disabled: isNew, children: isNew ? null : <Needs firmId={draft.id} /> },
    {
      key: "visits",
      label: <span data-testid="tab-visits">{t("firm.tab.visits")}</span>,
      disabled: isNew,
      children: isNew ? null : <Visits firmId={draft.id} />,
    },
    {
      key: "eval",
      label: <span data-testid="tab-eval">{t("firm.tab.eval")}</span>,
      disabled: isNew,
      children: isNew ? null : <Evaluation firmId={draft.id} />,
    },
    { key: "plan", label: <span data-testid="tab-plan">{t("firm.tab.plan")}</span>, disabled: isNew, children: isNew ? null : <PlanTab firmId={draft.id} /> },
    {
      key: "history",
      label: <span data-testid="tab-history">{t("firm.tab.history")}</span>,
      disabled: isNew,
      children: isNew ? null : <History firmId={draft.id} />,
    },
  ];
  return (
    <div data-testid="page-firm">
      <Space style={{ width: "100%", justifyContent: "space-between" }}>
        <Typography.Title level={3} style={{ margin: 0 }} data-testid="firm-title">
          {isNew ? t("firm.newTitle") : draft.name || t("firm.untitled")}
        </Typography.Title>
        {saveBar}
      </Space>
      {!isNew && <Typography.Text type="secondary">{draft.uscc}</Typography.Text>}
      <Tabs style={{ marginTop: 12 }} items={items} destroyOnHidden={false} />
    </div>
  );
}
