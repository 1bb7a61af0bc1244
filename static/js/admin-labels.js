'use strict';
// Names the admin's autocomplete boxes (select2) after their field: select2
// labels its box by the chosen value alone, so an empty box has no name for a
// screen reader (axe-core: "ARIA input fields must have an accessible name").
// Boxes are watched for as select2 adds them, on loading and in added rows.
{
    function fieldName(select) {
        const own = select.getAttribute('aria-label');
        if (own) {
            return own;
        }
        const label = select.id && document.querySelector(`label[for="${select.id}"]`);
        return label ? label.textContent.replace(/:\s*$/, '').trim() : '';
    }

    function nameBox(container) {
        const select = container.previousElementSibling;
        if (!select || select.tagName !== 'SELECT') {
            return;
        }
        const name = fieldName(select);
        if (!name) {
            return;
        }
        for (const box of container.querySelectorAll('[role="combobox"], [role="textbox"]')) {
            box.removeAttribute('aria-labelledby');
            box.setAttribute('aria-label', name);
        }
    }

    new MutationObserver((mutations) => {
        for (const mutation of mutations) {
            for (const node of mutation.addedNodes) {
                const container = node.nodeType === Node.ELEMENT_NODE && node.closest('.select2');
                if (container) {
                    nameBox(container);
                }
            }
        }
    }).observe(document.documentElement, {childList: true, subtree: true});
}
