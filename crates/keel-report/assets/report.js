// Platform picker: shows one platform's section, or all. Without JavaScript every section stays visible.
(function () {
  var pick = document.getElementById("pick");
  if (!pick) return;
  var sections = document.querySelectorAll("section.platform");
  function show() {
    for (var i = 0; i < sections.length; i++) {
      sections[i].hidden = pick.value !== "all" && sections[i].id !== pick.value;
    }
  }
  pick.addEventListener("change", show);
  // A link from the overview table selects that platform so it is never hidden.
  window.addEventListener("hashchange", function () {
    var id = location.hash.slice(1);
    if (pick.value !== "all" && document.getElementById(id)) {
      pick.value = id;
      show();
    }
  });
  show();
})();
// Printing opens every folded table, so the paper copy carries the table behind each chart.
window.addEventListener("beforeprint", function () {
  var folded = document.querySelectorAll("details");
  for (var i = 0; i < folded.length; i++) folded[i].open = true;
});
