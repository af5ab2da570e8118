import { useQuery } from "@tanstack/react-query";
import { getAuthorship } from "../../../api/client";
import type { Writer } from "../../../api/types";
import { useLocale } from "../../../i18n/format";
import type { LiveDocument } from "../../../live/LiveDocument";
import { share } from "./share";

/** How often an open answer's authorship is asked again (the server counts from its stored log). */
const REFRESH_MS = 30_000;

/** "Écrit par Sylvie (62 %), Marion (38 %)" under an answer: who wrote the text it holds now. */
export function WrittenBy({ live, field }: { live: LiveDocument; field: string }) {
  const { t } = useLocale();
  const { data } = useQuery({
    queryKey: ["authorship", live.dossierId, live.name],
    queryFn: () => getAuthorship(live.dossierId, live.name),
    refetchInterval: REFRESH_MS,
    refetchOnWindowFocus: true,
  });
  const answer = data?.answers.find((a) => a.key === field);
  if (!answer || answer.characters === 0) return null;
  const name = (writer: Writer) =>
    writer.user_id === null
      ? t("live.writtenBy.unrecorded")
      : writer.role
        ? writer.display_name
        : t("live.writtenBy.former", { name: writer.display_name });
  return (
    <p className="written-by">
      {t("live.writtenBy.label")}{" "}
      {answer.writers.map((writer, index) => (
        <span key={writer.user_id ?? "unrecorded"}>
          {index > 0 ? ", " : null}
          <span className="written-by__name">{name(writer)}</span> ({share(writer.characters, answer.characters)})
        </span>
      ))}
    </p>
  );
}
