import { useMemo } from "react";
import { Alert, Card, Col, Empty, Row, Skeleton, Space, Statistic, Table, Tag, Typography } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, type CheckView, type ChecklistView, type EvaluationView, type VerdictView } from "../../bindings";
import { call, errorText, msg, type Lang } from "../../ipc";
import { useLang } from "../../hooks";
import Chart, { type ChartSpec } from "../../Chart";

const statusColor: Record<string, string> = { met: "green", not_met: "red", unknown: "default" };
const verdictColor: Record<string, string> = { qualifies: "green", does_not_qualify: "red", cannot_tell: "orange" };

function Verdict({ v, lang }: { v: VerdictView; lang: Lang }) {
  return (
    <Tag color={verdictColor[v.key]} data-testid={`verdict-${v.key}`}>
      {msg(v.label, lang)}
    </Tag>
  );
}

function Checklist({ items, lang }: { items: CheckView[]; lang: Lang }) {
  const { t } = useTranslation();
  return (
    <Table<CheckView>
      size="small"
      rowKey="key"
      pagination={false}
      dataSource={items}
      columns={[
        {
          title: t("evaluation.item"),
          dataIndex: "label",
          render: (_, c) => (
            <Space>
              <Tag color={statusColor[c.status]}>{t(`evaluation.status.${c.status}`)}</Tag>
              {msg(c.label, lang)}
            </Space>
          ),
        },
        { title: t("evaluation.figure"), dataIndex: "figure", render: (f: string | null) => f ?? "—", width: 140 },
        { title: t("evaluation.required"), dataIndex: "required", width: 130 },
        {
          title: t("evaluation.gap"),
          render: (_, c) => (c.gap ? msg(c.gap, lang) : c.status === "unknown" ? c.missing.map((m) => msg(m, lang)).join("、") : "—"),
        },
        { title: t("evaluation.cite"), dataIndex: "cite", width: 220, render: (s: string) => <Typography.Text type="secondary">{s}</Typography.Text> },
      ]}
    />
  );
}

function Notes({ notes, lang }: { notes: { zh: string; en: string }[]; lang: Lang }) {
  if (notes.length === 0) return null;
  return <Alert style={{ marginBottom: 8 }} type="warning" showIcon message={notes.map((n) => msg(n, lang)).join("；")} />;
}

function Designation({ title, d, lang, extra }: { title: string; d: ChecklistView; lang: Lang; extra?: React.ReactNode }) {
  const { t } = useTranslation();
  return (
    <Card
      size="small"
      style={{ marginTop: 16 }}
      title={
        <Space>
          {title}
          <Verdict v={d.verdict} lang={lang} />
          {extra}
        </Space>
      }
      extra={<Typography.Text type="secondary">{t("evaluation.ruleSet", { doc: d.rule_set.document, v: d.rule_set.version })}</Typography.Text>}
    >
      <Notes notes={d.notes} lang={lang} />
      <Checklist items={d.items} lang={lang} />
    </Card>
  );
}

export function EvaluationBody({ e }: { e: EvaluationView }) {
  const { t } = useTranslation();
  const lang = useLang();
  const ts = e.tech_sme;
  const scoreSpec = useMemo<ChartSpec>(
    () => ({
      horizontal: true,
      categories: ts.indicators.map((i) => msg(i.label, lang)),
      series: [
        { name: t("evaluation.points"), kind: "bar", data: ts.indicators.map((i) => i.points ?? i.points_min), color: "#1677ff", labels: true },
        { name: t("evaluation.maxPoints"), kind: "bar", data: ts.indicators.map((i) => i.max_points), color: "#d9d9d9" },
      ],
    }),
    [ts, lang, t],
  );
  const riskSpec = useMemo<ChartSpec>(
    () => ({
      horizontal: true,
      legend: false,
      categories: e.risk.groups.map((g) => msg(g.label, lang)),
      series: [
        { name: t("evaluation.points"), kind: "bar", stack: true, data: e.risk.groups.map((g) => g.points), color: "#52c41a", labels: true },
        { name: t("evaluation.maxPoints"), kind: "bar", stack: true, data: e.risk.groups.map((g) => g.max_points - g.points), color: "#f0f0f0" },
      ],
    }),
    [e.risk, lang, t],
  );
  return (
    <div data-testid="evaluation">
      <Row gutter={16}>
        <Col span={6}>
          <Card size="small">
            <Statistic title={t("evaluation.techSme")} value={ts.total ?? `${ts.total_min}–${ts.total_max}`} suffix={`/ 100`} valueStyle={{ fontSize: 26 }} />
            <Space wrap>
              <Verdict v={ts.verdict} lang={lang} />
              <Typography.Text type="secondary">{t("evaluation.pass", { n: ts.pass_total })}</Typography.Text>
            </Space>
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small">
            <Statistic
              title={t("evaluation.highTech")}
              value={e.high_tech.items.filter((i) => i.status === "met").length}
              suffix={`/ ${e.high_tech.items.length}`}
              valueStyle={{ fontSize: 26 }}
            />
            <Verdict v={e.high_tech.verdict} lang={lang} />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small">
            <Statistic
              title={t("evaluation.srdi")}
              value={e.srdi.items.filter((i) => i.status === "met").length}
              suffix={`/ ${e.srdi.items.length}`}
              valueStyle={{ fontSize: 26 }}
            />
            <Verdict v={e.srdi.verdict} lang={lang} />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small">
            <Statistic title={t("evaluation.risk")} value={e.risk.grade} suffix={`${e.risk.score} / ${e.risk.max_score}`} valueStyle={{ fontSize: 26 }} />
            <Space wrap>
              <Tag data-testid="risk-grade">{msg(e.risk.grade_label, lang)}</Tag>
              {!e.risk.complete && <Typography.Text type="secondary">{t("evaluation.bestCase", { g: e.risk.best_case_grade })}</Typography.Text>}
            </Space>
          </Card>
        </Col>
      </Row>

      <Card
        size="small"
        style={{ marginTop: 16 }}
        title={
          <Space>
            {t("evaluation.breakdown")}
            <Verdict v={ts.verdict} lang={lang} />
            {ts.total === null && <Typography.Text type="secondary">{t("evaluation.range", { min: ts.total_min, max: ts.total_max })}</Typography.Text>}
          </Space>
        }
        extra={<Typography.Text type="secondary">{t("evaluation.ruleSet", { doc: ts.rule_set.document, v: ts.rule_set.version })}</Typography.Text>}
      >
        <Notes notes={ts.notes} lang={lang} />
        <Row gutter={16}>
          <Col span={10}>
            <Chart spec={scoreSpec} height={220} testId="score-chart" />
          </Col>
          <Col span={14}>
            <Table
              size="small"
              rowKey="key"
              pagination={false}
              dataSource={ts.indicators}
              data-testid="indicators"
              columns={[
                { title: t("evaluation.indicator"), render: (_, i) => msg(i.label, lang) },
                { title: t("evaluation.figure"), dataIndex: "figure", render: (f: string | null) => f ?? "—" },
                { title: t("evaluation.band"), dataIndex: "band", render: (f: string | null) => f ?? "—" },
                { title: t("evaluation.points"), render: (_, i) => `${i.points ?? `${i.points_min}–${i.points_max}`} / ${i.max_points}` },
                { title: t("evaluation.nextBand"), render: (_, i) => (i.next_band ? msg(i.next_band, lang) : "—") },
              ]}
            />
          </Col>
        </Row>
        <Typography.Title level={5} style={{ marginTop: 12 }}>
          {t("evaluation.conditions")}
        </Typography.Title>
        <Checklist items={ts.conditions} lang={lang} />
        {ts.direct.length > 0 && (
          <>
            <Typography.Title level={5} style={{ marginTop: 12 }}>
              {t("evaluation.direct")}
            </Typography.Title>
            <Checklist items={ts.direct} lang={lang} />
          </>
        )}
      </Card>

      <Designation
        title={t("evaluation.highTech")}
        d={e.high_tech}
        lang={lang}
        extra={e.high_tech_certified ? <Tag color="blue">{t("evaluation.certified")}</Tag> : null}
      />
      <Designation title={t("evaluation.srdi")} d={e.srdi} lang={lang} />

      <Card
        size="small"
        style={{ marginTop: 16 }}
        title={
          <Space>
            {t("evaluation.riskGroups")}
            <Tag color="blue">{t("evaluation.grade", { g: e.risk.grade })}</Tag>
          </Space>
        }
        extra={<Typography.Text type="secondary">{t("evaluation.ruleSet", { doc: e.risk.rule_set.document, v: e.risk.rule_set.version })}</Typography.Text>}
      >
        <Row gutter={16}>
          <Col span={10}>
            <Chart spec={riskSpec} height={240} testId="risk-chart" />
          </Col>
          <Col span={14}>
            <Table
              size="small"
              rowKey="key"
              pagination={false}
              dataSource={e.risk.factors}
              columns={[
                { title: t("evaluation.factor"), render: (_, f) => msg(f.label, lang) },
                { title: t("evaluation.figure"), dataIndex: "figure", render: (f: string | null) => f ?? "—" },
                { title: t("evaluation.points"), render: (_, f) => `${f.points ?? "—"} / ${f.max_points}` },
                { title: t("evaluation.reason"), render: (_, f) => msg(f.reason, lang) },
              ]}
            />
          </Col>
        </Row>
      </Card>
    </div>
  );
}

export default function Evaluation({ firmId }: { firmId: string }) {
  const lang = useLang();
  const q = useQuery({ queryKey: ["evaluation", firmId], queryFn: () => call(commands.evaluateFirm(firmId)) });
  if (q.error) return <Alert type="error" showIcon message={errorText(q.error, lang)} />;
  if (q.isLoading) return <Skeleton active />;
  if (!q.data) return <Empty />;
  return <EvaluationBody e={q.data} />;
}
