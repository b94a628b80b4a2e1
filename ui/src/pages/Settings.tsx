import { Card, Descriptions, Segmented, Typography } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands } from "../bindings";
import { call } from "../ipc";
import { useLang } from "../hooks";

export default function Settings() {
  const { t, i18n } = useTranslation();
  const lang = useLang();
  const info = useQuery({ queryKey: ["app-info"], queryFn: () => call(commands.appInfo()) });
  return (
    <div data-testid="page-settings">
      <Typography.Title level={3}>{t("settings.title")}</Typography.Title>
      <Card>
        <Descriptions column={1} bordered>
          <Descriptions.Item label={t("settings.language")}>
            <Segmented
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
          </Descriptions.Item>
          <Descriptions.Item label={t("settings.dataFile")}>
            <Typography.Text copyable data-testid="db-path">
              {info.data?.db_path ?? "—"}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t("settings.version")}>{info.data?.version ?? "—"}</Descriptions.Item>
        </Descriptions>
      </Card>
    </div>
  );
}
