// Dossier-wide live notices for pages that do not edit (votes, decisions,
// register): a light Socket.IO connection that `watch`es the dossier and calls
// back on its `governance` and `dossier` notices. Notices carry ids only; the
// page refetches over HTTP, where the policy decides what it may see.

import { useEffect, useRef } from "react";
import { io } from "socket.io-client";

export interface Notice {
  event: "governance" | "dossier";
  id: number;
  topic?: string;
  poll_id?: number;
  decision_id?: number;
  state?: string;
}

export function useDossierNotices(dossierId: number, onNotice: (notice: Notice) => void): void {
  const handler = useRef(onNotice);
  handler.current = onNotice;
  useEffect(() => {
    if (!Number.isInteger(dossierId)) return;
    const socket = io({ path: "/socket.io/", transports: ["websocket"], withCredentials: true });
    const deliver = (event: Notice["event"]) => (payload: unknown) => {
      if (!payload || typeof payload !== "object") return;
      const notice = { ...(payload as Omit<Notice, "event">), event };
      if (notice.id === dossierId) handler.current(notice);
    };
    // Each (re)connection watches again and catches up on what it missed.
    socket.on("connect", () => {
      socket.emit("watch", { dossier_id: dossierId }, () => handler.current({ event: "dossier", id: dossierId }));
    });
    socket.on("governance", deliver("governance"));
    socket.on("dossier", deliver("dossier"));
    return () => {
      socket.disconnect();
    };
  }, [dossierId]);
}
