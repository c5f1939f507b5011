// Progressive enhancement only: every page works without this file.
document.addEventListener('DOMContentLoaded', () => {
  const summary = document.getElementById('error-summary');
  if (summary) summary.focus();
  // Long work (imports) shows its progress: reload while it runs; without JavaScript the page offers a link.
  const refresh = document.querySelector('[data-auto-refresh]');
  if (refresh) setTimeout(() => window.location.reload(), Number(refresh.getAttribute('data-auto-refresh')) * 1000);
  // Header menus (details): Escape or a click elsewhere closes them.
  const menus = document.querySelectorAll('header details');
  const closeMenus = (except) => menus.forEach((d) => d !== except && d.removeAttribute('open'));
  document.addEventListener('click', (event) => closeMenus(event.target.closest('header details')));
  document.addEventListener('keydown', (event) => {
    const open = event.key === 'Escape' && document.querySelector('header details[open]');
    if (open) {
      open.removeAttribute('open');
      open.querySelector('summary').focus();
    }
  });
  for (const el of document.querySelectorAll('[data-confirm]')) {
    el.addEventListener('submit', (event) => {
      if (!window.confirm(el.getAttribute('data-confirm'))) event.preventDefault();
    });
  }
});
