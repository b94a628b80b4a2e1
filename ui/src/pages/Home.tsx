import { Alert, Card, Col, List, Row, Statistic, Tag, Typography } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { commands } from "../bindings";
import { call, errorText, fmtWan } from "../ipc";
import { useFirstContent, useLang } from "../hooks";
import { label, useVocabulary } from "../vocabulary";
import { markBootStep } from "../perf";

/** 工作台's counts (asked at boot by `main.tsx` once the store is open, and by 工作台). */
export const APP_INFO_QUERY = ["app-info"];
export const appInfoQueryFn = () => {
  markBootStep("infoAsked");
  return call(commands.appInfo()).finally(() => markBootStep("info"));
};

const pct = (v: number | null | undefined) => (v === null || v === undefined ? "—" : `${v.toFixed(1)}%`);

export default function Home() {
  const { t } = useTranslation();
  const lang = useLang();
  const vocab = useVocabulary();
  const navigate = useNavigate();
  markBootStep("home");
  const info = useQuery({ queryKey: APP_INFO_QUERY, queryFn: appInfoQueryFn });
  // The counts first (cheap), then the KPIs (they read every row): both use the one store.
  const home = useQuery({ queryKey: ["home"], queryFn: () => call(commands.homeOverview()), enabled: info.isFetched });
  const k = home.data?.kpi;
  useFirstContent("home", info.data !== undefined);
  return (
    <div data-testid="page-home">
      <Typography.Title level={3}>{t("home.title")}</Typography.Title>
      {info.error && <Alert type="error" showIcon message={errorText(info.error, lang)} />}
      {home.error && <Alert type="error" showIcon message={errorText(home.error, lang)} />}
      <Row gutter={[16, 16]}>
        <Col span={6}>
          <Card>
            <Statistic title={t("home.firms")} value={info.data?.firms ?? "—"} data-testid="stat-firms" />
          </Card>
        </Col>
        <Col span={6}>
          <Card>
            <Statistic title={t("home.needs")} value={info.data?.needs ?? "—"} />
          </Card>
        </Col>
        <Col span={6}>
          <Card>
            <Statistic title={t("home.visits")} value={info.data?.visits ?? "—"} />
          </Card>
        </Col>
        <Col span={6}>
          <Card>
            <Statistic title={t("home.outbox")} value={info.data?.outbox ?? "—"} />
          </Card>
        </Col>
        <Col span={24}>
          <Typography.Text type="secondary">{k ? t("home.kpiPeriod", { from: k.from, to: k.to }) : ""}</Typography.Text>
        </Col>
        <Col span={6}>
          <Card loading={home.isPending}>
            <Statistic title={t("home.coached")} value={k?.coached_firms ?? "—"} />
          </Card>
        </Col>
        <Col span={6}>
          <Card loading={home.isPending}>
            <Statistic title={t("home.needRate")} value={pct(k?.need_satisfaction_pct)} />
            <Typography.Text type="secondary">{k ? `${fmtWan(k.disbursed, lang)} / ${fmtWan(k.requested, lang)}` : ""}</Typography.Text>
          </Card>
        </Col>
        <Col span={6}>
          <Card loading={home.isPending}>
            <Statistic title={t("home.feedbackRate")} value={pct(k?.feedback_satisfaction_pct)} />
          </Card>
        </Col>
        <Col span={6}>
          <Card loading={home.isPending}>
            <Statistic title={t("home.firstLoanRate")} value={pct(k?.first_loan_pct)} />
          </Card>
        </Col>
        <Col span={14}>
          <Card
            title={t("home.followUps")}
            extra={
              home.data && (
                <span>
                  <Tag color="red">{t("home.overdue", { count: home.data.follow_ups_overdue })}</Tag>
                  <Tag color="blue">{t("home.dueSoon", { count: home.data.follow_ups_due_soon })}</Tag>
                </span>
              )
            }
          >
            <List
              size="small"
              loading={home.isPending}
              dataSource={home.data?.follow_ups ?? []}
              locale={{ emptyText: t("home.noFollowUps") }}
              style={{ maxHeight: 360, overflow: "auto" }}
              renderItem={(f) => (
                <List.Item style={{ cursor: "pointer" }} onClick={() => navigate(`/firms/${f.firm_id}`)}>
                  <Tag color={f.overdue ? "red" : "blue"}>{f.due}</Tag>
                  <span style={{ flex: 1 }}>{f.title}</span>
                  <Typography.Text type="secondary">{f.firm_name}</Typography.Text>
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col span={10}>
          <Card title={t("home.draftPlans")}>
            <List
              size="small"
              loading={home.isPending}
              dataSource={home.data?.draft_plans ?? []}
              locale={{ emptyText: t("home.noDrafts") }}
              style={{ maxHeight: 360, overflow: "auto" }}
              renderItem={(p) => (
                <List.Item style={{ cursor: "pointer" }} onClick={() => navigate(`/firms/${p.firm_id}`)}>
                  <span style={{ flex: 1 }}>{p.firm_name}</span>
                  <Typography.Text type="secondary">{p.number}</Typography.Text>
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col span={24}>
          <Card
            title={t("home.unsatisfied")}
            data-testid="home-unsatisfied"
            extra={
              home.data && (
                <Tag color="red" data-testid="home-unsatisfied-count">
                  {home.data.unsatisfied_feedback.length}
                </Tag>
              )
            }
          >
            <List
              size="small"
              loading={home.isLoading}
              dataSource={home.data?.unsatisfied_feedback ?? []}
              locale={{ emptyText: t("home.noUnsatisfied") }}
              style={{ maxHeight: 360, overflow: "auto" }}
              renderItem={(f) => (
                <List.Item data-testid="unsatisfied-item" style={{ cursor: "pointer" }} onClick={() => navigate(`/firms/${f.firm_id}`)}>
                  <Tag color="red">{f.date}</Tag>
                  <Typography.Text strong style={{ marginRight: 8 }}>
                    {f.firm_name}
                  </Typography.Text>
                  <Tag>{label(vocab?.feedback_source, f.source, lang)}</Tag>
                  {/* The firm's comment as plain text (React escapes it). */}
                  <span style={{ flex: 1 }} data-testid="unsatisfied-comment">
                    {f.comment}
                  </span>
                  <Typography.Text type="secondary">{f.follow_up_created ? t("home.followUpOpen") : t("home.followUpMissing")}</Typography.Text>
                </List.Item>
              )}
            />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
