// Shows a link as a QR code large enough to be scanned across a meeting room,
// with the link text under it.

import QRCode from "qrcode";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Modal } from "./Modal";

interface QrDialogProps {
  url: string | null;
  title?: string;
  onClose: () => void;
}

export function QrDialog({ url, title, onClose }: QrDialogProps) {
  const { t } = useTranslation();
  const [svg, setSvg] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let cancelled = false;
    setSvg(null);
    setFailed(false);
    if (!url) return;
    QRCode.toString(url, { type: "svg", errorCorrectionLevel: "M", margin: 2, color: { dark: "#000000", light: "#ffffff" } })
      .then((markup) => {
        if (!cancelled) setSvg(markup);
      })
      .catch(() => {
        if (!cancelled) setFailed(true);
      });
    return () => {
      cancelled = true;
    };
  }, [url]);

  return (
    <Modal open={url !== null} title={title ?? t("members.qrTitle")} onClose={onClose} className="modal--qr">
      <p className="hint">{t("members.qrHelp")}</p>
      {failed ? (
        <div role="alert" className="alert alert--error">
          <p>{t("members.qrError")}</p>
        </div>
      ) : svg ? (
        <div
          className="qr-code"
          role="img"
          aria-label={t("members.qrImage", { url: url ?? "" })}
          // The SVG is generated locally by the qrcode package from the URL.
          dangerouslySetInnerHTML={{ __html: svg }}
        />
      ) : (
        <p>{t("app.loading")}</p>
      )}
      <p className="qr-link">
        <code>{url}</code>
      </p>
    </Modal>
  );
}
