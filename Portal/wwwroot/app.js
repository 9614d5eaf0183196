// The menu button of a server-rendered layout (around an interactive page, see App.razor) has no circuit to
// call: it opens and closes the drawer here, with the classes MudDrawer itself would set.
document.addEventListener("click", event => {
    const toggle = event.target instanceof Element && event.target.closest("[data-portal-drawer-toggle]");
    if (!toggle)
        return;
    const layout = toggle.closest(".mud-layout");
    const drawer = layout && layout.querySelector(".mud-drawer");
    if (!drawer)
        return;
    // Until toggled, a responsive drawer shows on wide screens only (mud-drawer--initial hides it on narrow ones).
    const wide = window.matchMedia("(min-width: 960px)").matches;
    const open = drawer.classList.contains("mud-drawer--initial") ? !wide : !drawer.classList.contains("mud-drawer--open");
    drawer.classList.remove("mud-drawer--initial");
    drawer.classList.toggle("mud-drawer--open", open);
    drawer.classList.toggle("mud-drawer--closed", !open);
    layout.classList.toggle("mud-drawer-open-responsive-md-left", open);
});

// Like MudMenu: a server-rendered menu (ServerMenu) closes when the person clicks anywhere outside it, and
// opening one closes the others.
document.addEventListener("click", event => {
    for (const menu of document.querySelectorAll("details.server-menu[open]"))
        if (!(event.target instanceof Node && menu.contains(event.target)))
            menu.removeAttribute("open");
});

// A server-rendered form sent back with errors opens on its first field in error: the field's error is tied to it
// (aria-describedby), so it is read out at once, and the person can type the correction without looking for it.
document.addEventListener("DOMContentLoaded", () => {
    const invalid = document.querySelector("form [aria-invalid='true']");
    if (invalid instanceof HTMLElement)
        invalid.focus();
});

// An interactive form saved with errors moves to its first field in error (FocusFirstError.razor), for the same reason.
window.portalFocusFirstInvalid = () => {
    const invalid = document.querySelector("[aria-invalid='true']");
    if (invalid instanceof HTMLElement)
        invalid.focus();
};
