// Tailwind CSS 4 runs as a PostCSS plugin; it needs no tailwind.config file:
// the theme lives in app/globals.css (@theme).
const config = {
  plugins: {
    "@tailwindcss/postcss": {},
  },
};

export default config;
