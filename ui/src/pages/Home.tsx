import { Alert, Card, Col, Row, Statistic, Typography } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands } from "../bindings";
import { call, errorText } from "../ipc";
import { useLang } from "../hooks";

export default function Home() {
  const { t } = useTranslation();
  const lang = useLang();
  const info = useQuery({ queryKey: ["app-info"], queryFn: () => call(commands.appInfo()) });
  return (
    <div data-testid="page-home">
      <Typography.Title level={3}>{t("home.title")}</Typography.Title>
      {info.error && <Alert type="error" showIcon message={errorText(info.error, lang)} />}
      <Row gutter={16}>
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
      </Row>
    </div>
  );
}
