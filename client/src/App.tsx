import { BrowserRouter, Route, Routes } from "react-router";
import { Layout, RequireAuth } from "./components/Layout";
import { DossierPage } from "./pages/dossier/DossierPage";
import { DossiersPage } from "./pages/DossiersPage";
import { JoinPage } from "./pages/JoinPage";
import { LoginPage } from "./pages/LoginPage";
import { MembersPage } from "./pages/MembersPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { SessionProvider } from "./session/SessionContext";

export function App() {
  return (
    <SessionProvider>
      <BrowserRouter>
        <Routes>
          <Route element={<Layout />}>
            <Route path="/login" element={<LoginPage />} />
            <Route path="/join/:token" element={<JoinPage />} />
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
                  <DossierPage />
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
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </SessionProvider>
  );
}
