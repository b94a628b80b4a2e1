import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import { en, zh } from "./locales";

const saved = typeof localStorage !== "undefined" ? localStorage.getItem("fudao.lang") : null;

void i18n.use(initReactI18next).init({
  resources: { zh: { translation: zh }, en: { translation: en } },
  lng: saved === "en" ? "en" : "zh",
  fallbackLng: "zh",
  interpolation: { escapeValue: false },
});

export default i18n;
