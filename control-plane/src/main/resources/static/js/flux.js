// Copy buttons: <button class="copy" data-copy="#element-id"> copies that element's text to the clipboard.
document.addEventListener('click', async (event) => {
  const button = event.target.closest('button.copy');
  if (!button) {
    return;
  }
  const text = document.querySelector(button.dataset.copy).textContent.trim();
  try {
    await navigator.clipboard.writeText(text);
  } catch (e) {
    // no clipboard permission (an http page other than localhost): copy through a selected text area
    const area = document.createElement('textarea');
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  button.dataset.copied = text;
  button.textContent = 'Copied';
});
