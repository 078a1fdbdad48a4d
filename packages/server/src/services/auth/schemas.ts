import { z } from "zod";

const email = z
  .email()
  .max(254)
  .transform((e) => e.trim().toLowerCase());
const password = z.string().min(10, "at least 10 characters").max(256);

export const RegisterBody = z.strictObject({
  email,
  password,
  name: z.string().trim().min(1).max(200),
  company: z.string().trim().min(1).max(200),
});
export const LoginBody = z.strictObject({
  email: z
    .string()
    .max(254)
    .transform((e) => e.trim().toLowerCase()),
  password: z.string().max(256),
});
export const ChangePasswordBody = z.strictObject({ current_password: z.string().max(256), new_password: password });

export const UserSchema = z
  .object({ id: z.string(), email: z.string(), name: z.string(), account_id: z.string(), company: z.string(), created_at: z.string() })
  .meta({ id: "User" });
export const AuthResult = z.object({ token: z.string(), user: UserSchema });
