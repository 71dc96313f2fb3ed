// Progressive enhancement: only the chosen regency's kecamatan are offered (the server checks them anyway).
(function () {
  var regency = document.getElementById("regency"), kecamatan = document.getElementById("kecamatan");
  function filter() {
    Array.prototype.forEach.call(kecamatan.querySelectorAll("optgroup"), function (group) {
      var shown = !regency.value || group.getAttribute("data-regency") === regency.value;
      group.hidden = !shown; group.disabled = !shown;
    });
    var chosen = kecamatan.selectedOptions[0];
    if (chosen && chosen.parentNode.disabled) { kecamatan.value = ""; }
  }
  regency.addEventListener("change", filter); filter();
})();
