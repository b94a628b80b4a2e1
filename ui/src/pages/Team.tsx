import { useMemo, useState } from "react";
import { Alert, App, Button, Card, Col, DatePicker, Empty, Row, Skeleton, Space, Table, Tag, Typography } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import dayjs, { type Dayjs } from "dayjs";
import { pickSavePath } from "../dialogs";
import { commands, type MemberKpi } from "../bindings";
import { call, errorText, fmtWan } from "../ipc";
import { useFirstContent, useLang, useNextFrame } from "../hooks";
import { label, useVocabulary } from "../vocabulary";
import Chart, { type ChartSpec } from "../Chart";

/** At most this many coaches on the 各辅导员 chart. */
export const CHART_COACHES = 20;

const pct = (v: number | null) => (v === null ? "—" : `${v.toFixed(1)}%`);

export default function Team() {
  const { t } = useTranslation();
  const lang = useLang();
  const vocab = useVocabulary();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().startOf("year"), dayjs()]);
  const from = range[0].format("YYYY-MM-DD");
  const to = range[1].format("YYYY-MM-DD");
  const q = useQuery({ queryKey: ["team", from, to], queryFn: () => call(commands.teamOverview(from, to)) });
  const o = q.data;
  useFirstContent("team", o !== undefined);
  // The members' figures paint first; the two charts are drawn a frame later, in boxes of their
  // final size.
  const drawCharts = useNextFrame(o !== undefined);
  const exportXlsx = async () => {
    try {
      const path = await pickSavePath({ defaultPath: `团队指标-${from}-${to}.xlsx`, filters: [{ name: "Excel", extensions: ["xlsx"] }] });
      if (!path) return;
      const size = await call(commands.exportTeamKpi(from, to, path));
      message.success(t("team.exported", { path, kb: Math.ceil(size / 1024) }));
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  // The chart names each coach on its axis: past a screenful of names it is unreadable (a city
  // lead sees hundreds of coaches) and it costs the page hundreds of MB of SVG text, so it shows
  // the coaches with the most coached firms; the table below lists everyone, a page at a time.
  const active = useMemo(() => (o?.members ?? []).filter((m) => m.caseload > 0 || m.coached_firms > 0), [o]);
  const coaches = useMemo(
    () =>
      active.length <= CHART_COACHES
        ? active
        : [...active].sort((a, b) => b.coached_firms - a.coached_firms || b.disbursed - a.disbursed).slice(0, CHART_COACHES),
    [active],
  );
  const byCoach = useMemo<ChartSpec>(
    () => ({
      categories: coaches.map((m) => m.name),
      rotateLabels: true,
      axes: [{ name: t("team.coached") }, { name: lang === "en" ? "×10k CNY" : "万元" }],
      series: [
        { name: t("team.coached"), kind: "bar", data: coaches.map((m) => m.coached_firms), color: "#1677ff" },
        { name: t("team.disbursed"), kind: "bar", axis: 1, data: coaches.map((m) => Math.round(m.disbursed / 10000)), color: "#52c41a" },
      ],
    }),
    [coaches, t, lang],
  );
  const byMonth = useMemo<ChartSpec>(
    () => ({
      categories: (o?.months ?? []).map((m) => m.month),
      axes: [{}, { max: 100, percent: true }],
      series: [
        { name: t("team.coached"), kind: "line", data: (o?.months ?? []).map((m) => m.coached_firms), color: "#1677ff" },
        { name: t("team.visits"), kind: "line", data: (o?.months ?? []).map((m) => m.visits), color: "#52c41a" },
        { name: t("team.needRate"), kind: "line", axis: 1, data: (o?.months ?? []).map((m) => m.need_satisfaction_pct ?? NaN), color: "#fa8c16" },
      ],
    }),
    [o, t],
  );
  const columns = [
    {
      title: t("team.member"),
      render: (_: unknown, m: MemberKpi) => (
        <Space>
          {m.name}
          {!m.active && <Tag>{t("team.inactive")}</Tag>}
        </Space>
      ),
    },
    { title: t("team.role"), render: (_: unknown, m: MemberKpi) => (m.role ? label(vocab?.role, m.role, lang) : "") },
    { title: t("team.team"), dataIndex: "team" },
    { title: t("team.caseload"), dataIndex: "caseload", sorter: (a: MemberKpi, b: MemberKpi) => a.caseload - b.caseload },
    { title: t("team.coached"), dataIndex: "coached_firms", sorter: (a: MemberKpi, b: MemberKpi) => a.coached_firms - b.coached_firms },
    { title: t("team.visits"), dataIndex: "visits" },
    { title: t("team.needRate"), render: (_: unknown, m: MemberKpi) => pct(m.need_satisfaction_pct) },
    {
      title: t("team.disbursed"),
      render: (_: unknown, m: MemberKpi) => fmtWan(m.disbursed, lang),
      sorter: (a: MemberKpi, b: MemberKpi) => a.disbursed - b.disbursed,
    },
    { title: t("team.firstLoan"), render: (_: unknown, m: MemberKpi) => pct(m.first_loan_pct) },
    { title: t("team.satisfaction"), render: (_: unknown, m: MemberKpi) => pct(m.feedback_satisfaction_pct) },
    {
      title: "",
      render: (_: unknown, m: MemberKpi) =>
        m.user_id ? (
          <Button size="small" type="link" onClick={() => navigate(`/firms?coach=${m.user_id}`)}>
            {t("team.viewFirms")}
          </Button>
        ) : null,
    },
  ];
  return (
    <div data-testid="page-team">
      <Space style={{ width: "100%", justifyContent: "space-between", marginBottom: 12 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t("team.title")}
        </Typography.Title>
        <Space>
          <Typography.Text>{t("team.period")}</Typography.Text>
          <DatePicker.RangePicker allowClear={false} value={range} onChange={(v) => v && v[0] && v[1] && setRange([v[0], v[1]])} />
          <Button type="primary" data-testid="export-team" onClick={() => void exportXlsx()} disabled={!o}>
            {t("team.export")}
          </Button>
        </Space>
      </Space>
      {q.error && <Alert type="error" showIcon message={errorText(q.error, lang)} />}
      {q.isPending && !q.error && (
        <div data-testid="team-skeleton">
          <Row gutter={16}>
            <Col span={12}>
              <Card size="small" title={t("team.byCoach")}>
                <Skeleton active paragraph={{ rows: 6 }} />
              </Card>
            </Col>
            <Col span={12}>
              <Card size="small" title={t("team.byMonth")}>
                <Skeleton active paragraph={{ rows: 6 }} />
              </Card>
            </Col>
          </Row>
          <Card size="small" style={{ marginTop: 16 }} title={t("team.members")}>
            <Skeleton active paragraph={{ rows: 8 }} />
          </Card>
        </div>
      )}
      {o && o.members.length === 0 && <Empty description={t("team.none")} />}
      {o && (
        <>
          <Row gutter={16}>
            <Col span={12}>
              <Card
                size="small"
                title={t("team.byCoach")}
                extra={
                  active.length > coaches.length && (
                    <Typography.Text type="secondary" data-testid="chart-top">
                      {t("team.topCoaches", { n: coaches.length, total: active.length })}
                    </Typography.Text>
                  )
                }
              >
                {drawCharts ? <Chart spec={byCoach} height={280} testId="chart-by-coach" /> : <div style={{ height: 280 }} />}
              </Card>
            </Col>
            <Col span={12}>
              <Card size="small" title={t("team.byMonth")}>
                {drawCharts ? <Chart spec={byMonth} height={280} testId="chart-by-month" /> : <div style={{ height: 280 }} />}
              </Card>
            </Col>
          </Row>
          <Card
            size="small"
            style={{ marginTop: 16 }}
            title={t("team.members")}
            extra={<Typography.Text type="secondary">{t("team.unassigned", { n: o.unassigned })}</Typography.Text>}
          >
            <Table<MemberKpi>
              size="small"
              rowKey={(m) => m.user_id ?? "city"}
              pagination={{ defaultPageSize: 20, hideOnSinglePage: true, showSizeChanger: true, pageSizeOptions: [20, 50, 100], size: "small" }}
              dataSource={o.members}
              columns={columns}
              onRow={() => ({ "data-testid": "member-row" }) as React.HTMLAttributes<HTMLElement>}
              summary={() => (
                <Table.Summary.Row>
                  <Table.Summary.Cell index={0} colSpan={3}>
                    <b>{t("team.city")}</b>
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={3}>{o.city.caseload}</Table.Summary.Cell>
                  <Table.Summary.Cell index={4}>{o.city.coached_firms}</Table.Summary.Cell>
                  <Table.Summary.Cell index={5}>{o.city.visits}</Table.Summary.Cell>
                  <Table.Summary.Cell index={6}>{pct(o.city.need_satisfaction_pct)}</Table.Summary.Cell>
                  <Table.Summary.Cell index={7}>{fmtWan(o.city.disbursed, lang)}</Table.Summary.Cell>
                  <Table.Summary.Cell index={8}>{pct(o.city.first_loan_pct)}</Table.Summary.Cell>
                  <Table.Summary.Cell index={9}>{pct(o.city.feedback_satisfaction_pct)}</Table.Summary.Cell>
                  <Table.Summary.Cell index={10} />
                </Table.Summary.Row>
              )}
            />
          </Card>
        </>
      )}
    </div>
  );
}
