// Progressive enhancement only: every page works without this file.
document.addEventListener('DOMContentLoaded', () => {
  const summary = document.getElementById('error-summary');
  if (summary) summary.focus();
  for (const el of document.querySelectorAll('[data-confirm]')) {
    el.addEventListener('submit', (event) => {
      if (!window.confirm(el.getAttribute('data-confirm'))) event.preventDefault();
    });
  }
});
