import { Alert, Checkbox, Col, DatePicker, Form, Input, InputNumber, Row, Select } from "antd";
import dayjs from "dayjs";
import { useTranslation } from "react-i18next";
import type { FieldError, Firm } from "../../bindings";
import { useLang } from "../../hooks";
import { wanToYuan, yuanToWan } from "../../ipc";
import { selectOptions, useMembers, useVocabulary } from "../../vocabulary";
import { Field, type EditProps } from "./Field";

const num = (v: number | null | undefined) => (v === null || v === undefined ? null : v);

/** Cross-field consistency warnings of the firm (they never block saving), field named. */
export function FirmWarnings({ warnings }: { warnings: FieldError[] }) {
  const { t } = useTranslation();
  const lang = useLang();
  if (warnings.length === 0) return null;
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="firm-warnings"
      message={t("firm.warnings")}
      description={
        <ul style={{ margin: 0, paddingLeft: 18 }}>
          {warnings.map((w, i) => (
            <li key={i} data-testid="firm-warning" data-field={w.field} data-code={w.code}>
              {lang === "en" ? w.message.en : w.message.zh}
            </li>
          ))}
        </ul>
      }
    />
  );
}

export default function Overview({ firm, errors, update, warnings = [] }: EditProps<Firm> & { warnings?: FieldError[] }) {
  const { t } = useTranslation();
  const lang = useLang();
  const vocab = useVocabulary();
  const members = useMembers();
  return (
    <Form layout="vertical" data-testid="firm-overview">
      <FirmWarnings warnings={warnings} />
      <Row gutter={16}>
        <Col span={12}>
          <Field name="name" label={t("firm.name")} errors={errors}>
            <Input data-testid="f-name" value={firm.name} onChange={(e) => update({ name: e.target.value })} />
          </Field>
        </Col>
        <Col span={12}>
          <Field name="uscc" label={t("firm.uscc")} errors={errors}>
            <Input data-testid="f-uscc" maxLength={18} value={firm.uscc} onChange={(e) => update({ uscc: e.target.value.toUpperCase() })} />
          </Field>
        </Col>
        <Col span={6}>
          <Field name="district" label={t("firm.district")} errors={errors}>
            <Select
              allowClear
              options={selectOptions(vocab?.district, lang)}
              value={firm.district ?? undefined}
              onChange={(v) => update({ district: v ?? null })}
            />
          </Field>
        </Col>
        <Col span={6}>
          <Field name="industry" label={t("firm.industry")} errors={errors}>
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              options={(vocab?.industry ?? []).map((o) => ({ value: o.key, label: `${o.key} ${lang === "en" ? o.en : o.zh}` }))}
              value={firm.industry ?? undefined}
              onChange={(v) => update({ industry: v ?? null })}
            />
          </Field>
        </Col>
        <Col span={6}>
          <Field name="founded" label={t("firm.founded")} errors={errors}>
            <DatePicker
              style={{ width: "100%" }}
              value={firm.founded ? dayjs(firm.founded) : null}
              onChange={(d) => update({ founded: d ? d.format("YYYY-MM-DD") : null })}
            />
          </Field>
        </Col>
        <Col span={6}>
          <Field name="stage" label={t("firm.stage")} errors={errors}>
            <Select allowClear options={selectOptions(vocab?.stage, lang)} value={firm.stage ?? undefined} onChange={(v) => update({ stage: v ?? null })} />
          </Field>
        </Col>
        <Col span={12}>
          <Field name="address" label={t("firm.address")} errors={errors}>
            <Input value={firm.address ?? ""} onChange={(e) => update({ address: e.target.value || null })} />
          </Field>
        </Col>
        <Col span={6}>
          <Field name="registered_capital" label={t("firm.registeredCapital")} errors={errors}>
            <InputNumber
              data-testid="f-capital"
              style={{ width: "100%" }}
              addonAfter={t("unit.wan")}
              value={yuanToWan(firm.registered_capital)}
              onChange={(v) => update({ registered_capital: wanToYuan(num(v)) })}
            />
          </Field>
        </Col>
        <Col span={6}>
          <Field name="listing_board" label={t("firm.listingBoard")} errors={errors}>
            <Input value={firm.listing_board ?? ""} onChange={(e) => update({ listing_board: e.target.value || null })} />
          </Field>
        </Col>
        <Col span={6}>
          <Field name="staff" label={t("firm.staff")} errors={errors}>
            <InputNumber data-testid="f-staff" min={0} style={{ width: "100%" }} value={firm.staff} onChange={(v) => update({ staff: num(v) })} />
          </Field>
        </Col>
        <Col span={6}>
          <Field name="tech_staff" label={t("firm.techStaff")} errors={errors}>
            <InputNumber
              data-testid="f-tech-staff"
              min={0}
              style={{ width: "100%" }}
              value={firm.tech_staff}
              onChange={(v) => update({ tech_staff: num(v) })}
            />
          </Field>
        </Col>
        <Col span={6}>
          <Field name="high_talents" label={t("firm.highTalents")} errors={errors}>
            <InputNumber min={0} style={{ width: "100%" }} value={firm.high_talents} onChange={(v) => update({ high_talents: num(v) })} />
          </Field>
        </Col>
        <Col span={6}>
          <Field name="ever_borrowed" label={t("firm.everBorrowed")} errors={errors}>
            <Select
              allowClear
              value={firm.ever_borrowed === null ? undefined : firm.ever_borrowed ? "yes" : "no"}
              options={[
                { value: "yes", label: t("common.yes") },
                { value: "no", label: t("common.no") },
              ]}
              onChange={(v) => update({ ever_borrowed: v === undefined ? null : v === "yes" })}
            />
          </Field>
        </Col>
        <Col span={6}>
          <Field name="coach_id" label={t("firm.coach")} errors={errors}>
            <Select
              data-testid="f-coach"
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder={t("firm.noCoach")}
              value={firm.coach_id ?? undefined}
              options={(members ?? []).map((m) => ({ value: m.id, label: m.team ? `${m.name}（${m.team}）` : m.name }))}
              onChange={(v) => update({ coach_id: v ?? null })}
            />
          </Field>
        </Col>
        <Col span={24}>
          <Form.Item>
            <Checkbox checked={firm.first_loan_list} onChange={(e) => update({ first_loan_list: e.target.checked })}>
              {t("firm.firstLoanList")}
            </Checkbox>
            <Checkbox checked={firm.whitelist} onChange={(e) => update({ whitelist: e.target.checked })}>
              {t("firm.whitelist")}
            </Checkbox>
            <Checkbox checked={firm.listing_reserve} onChange={(e) => update({ listing_reserve: e.target.checked })}>
              {t("firm.listingReserve")}
            </Checkbox>
          </Form.Item>
        </Col>
        <Col span={12}>
          <Field name="tags" label={t("firm.tags")} errors={errors}>
            <Select mode="tags" value={firm.tags} onChange={(v) => update({ tags: v })} />
          </Field>
        </Col>
        <Col span={12}>
          <Field name="uscc_override" label={t("firm.usccOverride")} errors={errors}>
            <Input
              value={firm.uscc_override ?? ""}
              placeholder={t("firm.usccOverrideHint")}
              onChange={(e) => update({ uscc_override: e.target.value || null })}
            />
          </Field>
        </Col>
        <Col span={24}>
          <Field name="notes" label={t("firm.notes")} errors={errors}>
            <Input.TextArea rows={3} value={firm.notes} onChange={(e) => update({ notes: e.target.value })} />
          </Field>
        </Col>
      </Row>
    </Form>
  );
}
