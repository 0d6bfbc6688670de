// Clicking an [n] in an answer scrolls its evidence card into view (opening an earlier turn if needed).
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("a[href^='#cite-']") : null;
  if (!link) return;
  var card = document.getElementById(link.getAttribute("href").slice(1));
  if (!card) return;
  event.preventDefault();
  event.stopPropagation();
  var folded = card.closest("details");
  if (folded) folded.open = true;
  card.scrollIntoView({behavior: "smooth", block: "nearest"});
  card.classList.remove("flash");
  void card.offsetWidth;
  card.classList.add("flash");
  setTimeout(function () { card.classList.remove("flash"); }, 1600);
}, true);

// A supporting sentence in an answer is shown in three lines; clicking it shows all of it.
document.addEventListener("click", function (event) {
  var text = event.target.closest ? event.target.closest("#chat li.support .support-text") : null;
  if (text) text.parentElement.classList.toggle("open");
});
