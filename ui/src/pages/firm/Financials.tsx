import { Alert, Button, InputNumber, Space, Table } from "antd";
import { useTranslation } from "react-i18next";
import type { Firm, YearFinancials } from "../../bindings";
import { wanToYuan, yuanToWan } from "../../ipc";
import type { EditProps } from "./Field";

type Key = Exclude<keyof YearFinancials, "year">;
const KEYS: Key[] = [
  "revenue",
  "main_business_revenue",
  "total_income",
  "rd_expense",
  "rd_expense_domestic",
  "total_cost",
  "total_assets",
  "liabilities",
  "net_profit",
  "operating_cash_flow",
  "high_tech_revenue",
  "bills_receivable",
];

export default function Financials({ firm, errors, update }: EditProps<Firm>) {
  const { t } = useTranslation();
  const years = [...firm.financials].sort((a, b) => b.year - a.year);
  const setYear = (year: number, patch: Partial<YearFinancials>) =>
    update({ financials: firm.financials.map((y) => (y.year === year ? { ...y, ...patch } : y)) });
  const addYear = () => {
    const last = firm.financials.reduce((m, y) => Math.max(m, y.year), new Date().getFullYear() - 2);
    const blank: YearFinancials = {
      year: last + 1,
      revenue: null,
      main_business_revenue: null,
      total_income: null,
      rd_expense: null,
      rd_expense_domestic: null,
      total_cost: null,
      total_assets: null,
      liabilities: null,
      net_profit: null,
      operating_cash_flow: null,
      high_tech_revenue: null,
      bills_receivable: null,
    };
    update({ financials: [...firm.financials, blank] });
  };
  const columns = [
    {
      title: t("fin.year"),
      dataIndex: "year",
      width: 110,
      render: (_: unknown, y: YearFinancials) => (
        <InputNumber style={{ width: 90 }} value={y.year} onChange={(v) => v !== null && setYear(y.year, { year: v })} />
      ),
    },
    ...KEYS.map((k) => ({
      title: t(`fin.${k}`),
      dataIndex: k,
      render: (_: unknown, y: YearFinancials) => (
        <InputNumber style={{ width: 110 }} value={yuanToWan(y[k])} onChange={(v) => setYear(y.year, { [k]: wanToYuan(v) } as Partial<YearFinancials>)} />
      ),
    })),
    {
      title: "",
      render: (_: unknown, y: YearFinancials) => (
        <Button danger type="link" onClick={() => update({ financials: firm.financials.filter((x) => x.year !== y.year) })}>
          {t("common.remove")}
        </Button>
      ),
    },
  ];
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      {errors.financials && <Alert type="error" showIcon message={errors.financials} />}
      <Alert type="info" message={t("fin.unitNote")} />
      <Table rowKey="year" size="small" pagination={false} scroll={{ x: true }} dataSource={years} columns={columns} />
      <Button onClick={addYear}>{t("fin.addYear")}</Button>
    </Space>
  );
}
