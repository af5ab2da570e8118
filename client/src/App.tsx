import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense } from "react";
import { BrowserRouter, Route, Routes } from "react-router";
import { Layout, Loading, RequireAuth } from "./components/Layout";
import { DossiersPage } from "./pages/DossiersPage";
import { JoinPage } from "./pages/JoinPage";
import { SignupConfirmPage } from "./pages/SignupConfirmPage";
import { LoginPage } from "./pages/LoginPage";
import { MembersPage } from "./pages/MembersPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { DecisionPage } from "./pages/governance/DecisionPage";
import { DecisionsPage } from "./pages/governance/DecisionsPage";
import { MinutesPage } from "./pages/governance/MinutesPage";
import { PollPage } from "./pages/governance/PollPage";
import { PollsPage } from "./pages/governance/PollsPage";
import { RegisterPage } from "./pages/RegisterPage";
import { SessionProvider } from "./session/SessionContext";

// The dossier page carries the live editor (TipTap, Yjs, Socket.IO): loaded
// only when a dossier is opened, so the join and login screens stay light.
const DossierPage = lazy(() => import("./pages/dossier/DossierPage").then((module) => ({ default: module.DossierPage })));

// Server state read by components (e.g. who wrote each answer): fetched, cached and refreshed by
// TanStack Query. A failed read is retried once; the live document itself goes through Socket.IO.
const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, staleTime: 10_000 } } });

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <BrowserRouter>
          <Routes>
            <Route element={<Layout />}>
              <Route path="/login" element={<LoginPage />} />
              <Route path="/join/:token" element={<JoinPage />} />
              <Route path="/signup/:token" element={<SignupConfirmPage />} />
              <Route
                path="/"
                element={
                  <RequireAuth>
                    <DossiersPage />
                  </RequireAuth>
                }
              />
              <Route
                path="/dossiers/:id"
                element={
                  <RequireAuth>
                    <Suspense fallback={<Loading />}>
                      <DossierPage />
                    </Suspense>
                  </RequireAuth>
                }
              />
              <Route
                path="/dossiers/:id/members"
                element={
                  <RequireAuth>
                    <MembersPage />
                  </RequireAuth>
                }
              />
              <Route
                path="/dossiers/:id/register"
                element={
                  <RequireAuth>
                    <RegisterPage />
                  </RequireAuth>
                }
              />
              <Route
                path="/dossiers/:id/priorites"
                element={
                  <RequireAuth>
                    <PollsPage />
                  </RequireAuth>
                }
              />
              <Route
                path="/dossiers/:id/priorites/:pollId"
                element={
                  <RequireAuth>
                    <PollPage />
                  </RequireAuth>
                }
              />
              <Route
                path="/dossiers/:id/decisions"
                element={
                  <RequireAuth>
                    <DecisionsPage />
                  </RequireAuth>
                }
              />
              <Route
                path="/dossiers/:id/decisions/:decisionId"
                element={
                  <RequireAuth>
                    <DecisionPage />
                  </RequireAuth>
                }
              />
              <Route
                path="/dossiers/:id/decisions/:decisionId/pv"
                element={
                  <RequireAuth>
                    <MinutesPage />
                  </RequireAuth>
                }
              />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </SessionProvider>
    </QueryClientProvider>
  );
}
