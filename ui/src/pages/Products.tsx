import { useState } from "react";
import { Alert, Card, Col, Descriptions, Drawer, Empty, Input, List, Row, Select, Skeleton, Space, Spin, Table, Tag, Typography } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { commands, type FirmFit, type ProductView } from "../bindings";
import { call, errorText, fmtWan, msg } from "../ipc";
import { useFirstContent, useLang } from "../hooks";
import { label, selectOptions, useVocabulary } from "../vocabulary";

function FitList({ fits, near }: { fits: FirmFit[]; near: boolean }) {
  const { t } = useTranslation();
  const lang = useLang();
  return (
    <List
      size="small"
      dataSource={fits}
      locale={{ emptyText: near ? "—" : t("products.noneEligible") }}
      renderItem={(f) => (
        <List.Item data-testid={near ? "near-miss" : "fit"}>
          <List.Item.Meta
            title={
              <Space>
                <Link to={`/firms/${f.firm_id}`}>{f.firm_name}</Link>
                <Tag color={f.score >= 70 ? "green" : f.score >= 40 ? "blue" : "default"}>
                  {t("products.score")} {f.score}
                </Tag>
                {f.suggested_amount !== null && (
                  <Typography.Text type="secondary">
                    {t("products.suggested")} {fmtWan(f.suggested_amount, lang)}
                  </Typography.Text>
                )}
              </Space>
            }
            description={near ? `${t("products.missing")}：${f.missing.map((m) => msg(m, lang)).join("；")}` : f.reasons.map((m) => msg(m, lang)).join("；")}
          />
        </List.Item>
      )}
    />
  );
}

function ProductDrawer({ p, onClose }: { p: ProductView; onClose: () => void }) {
  const { t } = useTranslation();
  const lang = useLang();
  const fits = useQuery({ queryKey: ["product-fits", p.id], queryFn: () => call(commands.productFits(p.id)) });
  return (
    <Drawer open width={760} title={p.name} onClose={onClose} data-testid="product-drawer">
      <Descriptions column={2} size="small" bordered>
        <Descriptions.Item label={t("products.institution")}>{p.institution}</Descriptions.Item>
        <Descriptions.Item label={t("products.kind")}>{lang === "en" ? p.kind.en : p.kind.zh}</Descriptions.Item>
        <Descriptions.Item label={t("products.amount")}>{p.amount_text}</Descriptions.Item>
        <Descriptions.Item label={t("products.rate")}>{p.rate_text || "—"}</Descriptions.Item>
        <Descriptions.Item label={t("products.term")}>{p.term_text}</Descriptions.Item>
        <Descriptions.Item label={t("products.collateral")}>{p.collateral_text}</Descriptions.Item>
        <Descriptions.Item label={t("products.approval")}>{t("products.days", { n: p.approval_days })}</Descriptions.Item>
        <Descriptions.Item label={t("products.subsidy")}>{p.subsidy_text || "—"}</Descriptions.Item>
        <Descriptions.Item label={t("products.rules")} span={2}>
          {p.rules.length === 0 ? t("products.noRules") : p.rules.map((r, i) => <Tag key={i}>{msg(r, lang)}</Tag>)}
        </Descriptions.Item>
      </Descriptions>
      {p.description && <Typography.Paragraph style={{ marginTop: 12 }}>{p.description}</Typography.Paragraph>}
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t("products.fits")}
      </Typography.Title>
      {fits.error && <Alert type="error" showIcon message={errorText(fits.error, lang)} />}
      {fits.isLoading && <Spin tip={t("products.matching")} style={{ display: "block", margin: 24 }} />}
      {fits.data && (
        <>
          <Typography.Paragraph type="secondary" data-testid="fits-checked">
            {t("products.checked", { n: fits.data.checked })}
          </Typography.Paragraph>
          <Typography.Text strong data-testid="fits-eligible">
            {t("products.eligible", { n: fits.data.eligible_total })}
          </Typography.Text>
          <FitList fits={fits.data.eligible} near={false} />
          <Typography.Text strong>{t("products.nearMisses", { n: fits.data.near_miss_total })}</Typography.Text>
          <FitList fits={fits.data.near_misses} near />
        </>
      )}
    </Drawer>
  );
}

export default function Products() {
  const { t } = useTranslation();
  const lang = useLang();
  const vocab = useVocabulary();
  const cat = useQuery({ queryKey: ["products"], queryFn: () => call(commands.products()) });
  useFirstContent("products", cat.data !== undefined);
  const [text, setText] = useState("");
  const [kind, setKind] = useState<string | null>(null);
  const [fin, setFin] = useState<string | null>(null);
  const [inst, setInst] = useState<string | null>(null);
  const [open, setOpen] = useState<ProductView | null>(null);
  const all = cat.data?.products ?? [];
  const distinct = (f: (p: ProductView) => { key: string; zh: string; en: string }) => {
    const m = new Map<string, { key: string; zh: string; en: string }>();
    for (const p of all) m.set(f(p).key, f(p));
    return [...m.values()];
  };
  const kinds = distinct((p) => p.kind);
  const insts = distinct((p) => p.institution_kind);
  const shown = all.filter(
    (p) =>
      (!kind || p.kind.key === kind) &&
      (!fin || p.financing_kind === fin) &&
      (!inst || p.institution_kind.key === inst) &&
      (!text.trim() || p.name.includes(text.trim()) || p.institution.includes(text.trim()) || p.code.toLowerCase().includes(text.trim().toLowerCase())),
  );
  return (
    <div data-testid="page-products">
      <Typography.Title level={3}>{t("products.title")}</Typography.Title>
      {cat.error && <Alert type="error" showIcon message={errorText(cat.error, lang)} />}
      {cat.isPending && !cat.error && (
        <div data-testid="products-skeleton">
          <Skeleton active paragraph={{ rows: 1 }} />
        </div>
      )}
      {cat.data && (
        <Typography.Paragraph type="secondary">{t("products.catalog", { v: cat.data.version, d: cat.data.published, n: all.length })}</Typography.Paragraph>
      )}
      <Card size="small" style={{ marginBottom: 12 }}>
        <Row gutter={12}>
          <Col span={8}>
            <Input data-testid="product-search" allowClear placeholder={t("products.search")} value={text} onChange={(e) => setText(e.target.value)} />
          </Col>
          <Col span={6}>
            <Select
              data-testid="product-kind"
              allowClear
              style={{ width: "100%" }}
              placeholder={t("products.kind")}
              value={kind}
              options={kinds.map((k) => ({ value: k.key, label: lang === "en" ? k.en : k.zh }))}
              onChange={(v) => setKind(v ?? null)}
            />
          </Col>
          <Col span={5}>
            <Select
              allowClear
              style={{ width: "100%" }}
              placeholder={t("products.financingKind")}
              value={fin}
              options={selectOptions(vocab?.financing_kind, lang)}
              onChange={(v) => setFin(v ?? null)}
            />
          </Col>
          <Col span={5}>
            <Select
              allowClear
              style={{ width: "100%" }}
              placeholder={t("products.institutionKind")}
              value={inst}
              options={insts.map((k) => ({ value: k.key, label: lang === "en" ? k.en : k.zh }))}
              onChange={(v) => setInst(v ?? null)}
            />
          </Col>
        </Row>
      </Card>
      {cat.data && shown.length === 0 ? (
        <Empty />
      ) : (
        <Table<ProductView>
          size="small"
          rowKey="id"
          loading={cat.isLoading}
          dataSource={shown}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          onRow={(p) => ({ onClick: () => setOpen(p), style: { cursor: "pointer" }, "data-testid": "product-row" }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            {
              title: t("products.name"),
              render: (_, p) => (
                <Space>
                  {p.name}
                  {!p.active && <Tag>{t("products.inactive")}</Tag>}
                </Space>
              ),
            },
            { title: t("products.institution"), dataIndex: "institution" },
            { title: t("products.kind"), render: (_, p) => (lang === "en" ? p.kind.en : p.kind.zh) },
            { title: t("products.financingKind"), render: (_, p) => label(vocab?.financing_kind, p.financing_kind, lang) },
            { title: t("products.amount"), dataIndex: "amount_text" },
            { title: t("products.rate"), dataIndex: "rate_text" },
            { title: t("products.term"), dataIndex: "term_text" },
          ]}
        />
      )}
      {open && <ProductDrawer p={open} onClose={() => setOpen(null)} />}
    </div>
  );
}
