import { Alert, Button, Card, Col, DatePicker, Form, Input, InputNumber, Row, Select, Space, Table } from "antd";
import dayjs from "dayjs";
import { useTranslation } from "react-i18next";
import type { Firm, IpHoldings, Qualification, QualificationKind } from "../../bindings";
import { useLang } from "../../hooks";
import { selectOptions, useVocabulary } from "../../vocabulary";
import type { EditProps } from "./Field";

const IP_KEYS: (keyof IpHoldings)[] = ["invention_patents", "other_class1", "utility_models", "designs", "software_copyrights", "pledged"];

export default function IpQualifications({ firm, errors, update }: EditProps<Firm>) {
  const { t } = useTranslation();
  const lang = useLang();
  const vocab = useVocabulary();
  const setQ = (i: number, patch: Partial<Qualification>) => update({ qualifications: firm.qualifications.map((q, j) => (j === i ? { ...q, ...patch } : q)) });
  const used = new Set(firm.qualifications.map((q) => q.kind));
  const free = (vocab?.qualification_kind ?? []).find((o) => !used.has(o.key as QualificationKind));
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Card title={t("ip.title")} size="small">
        <Form layout="vertical">
          <Row gutter={16}>
            {IP_KEYS.map((k) => (
              <Col span={4} key={k}>
                <Form.Item label={t(`ip.${k}`)}>
                  <InputNumber min={0} style={{ width: "100%" }} value={firm.ip[k]} onChange={(v) => update({ ip: { ...firm.ip, [k]: v ?? 0 } })} />
                </Form.Item>
              </Col>
            ))}
          </Row>
        </Form>
      </Card>
      <Card title={t("qual.title")} size="small">
        {errors.qualifications && <Alert type="error" showIcon message={errors.qualifications} style={{ marginBottom: 8 }} />}
        <Table
          size="small"
          rowKey={(q) => q.kind}
          pagination={false}
          dataSource={firm.qualifications}
          columns={[
            {
              title: t("qual.kind"),
              render: (_: unknown, q: Qualification, i: number) => (
                <Select style={{ width: 220 }} value={q.kind} options={selectOptions(vocab?.qualification_kind, lang)} onChange={(v) => setQ(i, { kind: v })} />
              ),
            },
            {
              title: t("qual.obtained"),
              render: (_: unknown, q: Qualification, i: number) => (
                <DatePicker value={q.obtained ? dayjs(q.obtained) : null} onChange={(d) => setQ(i, { obtained: d ? d.format("YYYY-MM-DD") : null })} />
              ),
            },
            {
              title: t("qual.expires"),
              render: (_: unknown, q: Qualification, i: number) => (
                <DatePicker value={q.expires ? dayjs(q.expires) : null} onChange={(d) => setQ(i, { expires: d ? d.format("YYYY-MM-DD") : null })} />
              ),
            },
            {
              title: t("qual.number"),
              render: (_: unknown, q: Qualification, i: number) => <Input value={q.number} onChange={(e) => setQ(i, { number: e.target.value })} />,
            },
            {
              title: "",
              render: (_: unknown, _q: Qualification, i: number) => (
                <Button type="link" danger onClick={() => update({ qualifications: firm.qualifications.filter((_x, j) => j !== i) })}>
                  {t("common.remove")}
                </Button>
              ),
            },
          ]}
        />
        <Button
          style={{ marginTop: 8 }}
          disabled={!free}
          onClick={() =>
            free && update({ qualifications: [...firm.qualifications, { kind: free.key as QualificationKind, obtained: null, expires: null, number: "" }] })
          }
        >
          {t("qual.add")}
        </Button>
      </Card>
    </Space>
  );
}
