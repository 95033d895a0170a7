/** Tailwind scans the templates, the presenters and the page's scripts: only classes used
 * there end up in web_app/static/dist/css/app.css. */
module.exports = {
  content: [
    "./web_app/templates/**/*.html",
    "./web_app/**/*.py", // presenters.py picks the name colour classes
    "./assets/js/**/*.js",
  ],
  theme: { extend: {} },
  plugins: [],
};
