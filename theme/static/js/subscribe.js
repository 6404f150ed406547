/* The subscribe form, answered in place. Without this script the form posts to the subscription
   service and the reader gets its page; with it, the same request goes as JSON and the answer
   appears under the form. Any failure falls back to the plain post. */
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-subscribe]");
  Array.prototype.forEach.call(forms, function (form) {
    var result = form.querySelector(".subscribe-result");
    var button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.JSON || !result) { return; }
      event.preventDefault();
      var data = {};
      Array.prototype.forEach.call(form.elements, function (field) {
        if (field.name) { data[field.name] = field.value; }
      });
      button.disabled = true;
      fetch(form.action, {
        method: "POST",
        mode: "cors",
        credentials: "omit",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(data)
      }).then(function (response) {
        return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
      }).then(function (reply) {
        var answer = reply.answer;
        var text = answer.heading + (answer.message ? ". " + answer.message : "");
        if (answer.problems && answer.problems.length) { text += " " + answer.problems.join("; "); }
        result.textContent = text;
        result.setAttribute("data-state", reply.ok ? "ok" : "error");
        result.hidden = false;
        if (reply.ok) { form.reset(); }
        button.disabled = false;
      }).catch(function () {
        button.disabled = false;
        form.submit();  /* the service answers with a page instead */
      });
    });
  });
})();
