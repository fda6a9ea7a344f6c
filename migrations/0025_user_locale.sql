-- The language a user's push, SMS and e-mail texts are written in (issue 17): set at signup (or from
-- Accept-Language) and by PATCH /me. Existing users keep English, what they were sent until now.
ALTER TABLE users ADD COLUMN locale text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'ar'));
