// Log in and sign up: one form, two modes.

import { api, ApiError, session } from "../api";
import { describe, h, link, replace } from "../dom";

export function authView(
  main: HTMLElement,
  mode: "login" | "signup",
  message: string | null,
  done: () => void,
): void {
  const signup = mode === "signup";
  const action = signup ? "Sign up" : "Log in";
  const username = h("input", {
    id: "username",
    name: "username",
    autocomplete: "username",
    autocapitalize: "none",
    spellcheck: "false",
    required: true,
    minlength: signup ? 3 : null,
    maxlength: 30,
    pattern: signup ? "[A-Za-z0-9_]{3,30}" : null,
  });
  const password = h("input", {
    id: "password",
    name: "password",
    type: "password",
    autocomplete: signup ? "new-password" : "current-password",
    required: true,
    minlength: signup ? 8 : null,
    maxlength: 128,
  });
  const status = h("div", { class: "form-status", "aria-live": "assertive" });
  if (message) status.append(h("p", { class: "notice", role: "status" }, message));
  const submit = h("button", { type: "submit", class: "primary" }, action);
  const form = h("form", { class: "auth-form", novalidate: true },
    h("label", { for: "username" }, "Username"),
    username,
    signup ? h("p", { class: "hint", id: "username-hint" }, "3–30 letters, digits or _") : null,
    h("label", { for: "password" }, "Password"),
    password,
    signup ? h("p", { class: "hint" }, "At least 8 characters") : null,
    submit,
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = username.value.trim();
    if (!name || !password.value) {
      replace(status, h("p", { class: "error", role: "alert" }, "Enter a username and a password."));
      return;
    }
    submit.disabled = true;
    replace(status);
    try {
      if (signup) await api.register(name, password.value);
      const token = await api.login(name, password.value);
      session.token = token.access_token;
      done();
    } catch (error) {
      const words =
        error instanceof ApiError && error.status === 401 && !signup
          ? "Wrong username or password."
          : describe(error);
      replace(status, h("p", { class: "error", role: "alert" }, words));
    } finally {
      submit.disabled = false;
    }
  });
  replace(main,
    h("section", { class: "auth card" },
      h("p", { class: "brand big", "aria-hidden": "true" }, "Graphgram"),
      h("h1", {}, action),
      form,
      signup
        ? h("p", {}, "Have an account? ", link("/login", {}, "Log in instead"))
        : h("p", {}, "New here? ", link("/signup", {}, "Create an account"))),
  );
}
