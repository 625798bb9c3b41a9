"""French, Spanish and German wording, so "answer in French" is honoured visibly.

Smaller than the English book but the same shape: every part of the answer has a phrase.
"""

from __future__ import annotations

from .demo_phrases import ENGLISH, Phrasebook

__all__ = ["PHRASEBOOKS"]

FRENCH = Phrasebook(
    headings=["Comprendre : «Topic»", "«Topic» : vue d'ensemble", "Tout savoir sur «topic»"],
    intros=[
        "Voici un tour d'horizon de «topic», des idées de base aux détails qui comptent.",
        "Au fond, «topic» consiste à comprendre comment «kw» et «kw2» s'articulent.",
    ],
    followups=[
        "Pour faire suite à «earlier», dont nous avons parlé, voyons «topic».",
        "Dans le prolongement de notre échange sur «earlier», passons à «topic».",
    ],
    followup_more="Pour faire suite à «earlier», dont nous avons parlé, voici plus de détails.",
    sentences=[
        "On peut voir «kw» comme un équilibre entre «a» et «b».",
        "En pratique, la difficulté de «topic» vient surtout de «aspect».",
        "Quand «kw» change, «kw2» suit en général, même si l'effet met du temps à apparaître.",
        "Un petit exemple concret en apprend plus sur «kw» qu'une longue définition.",
        "Il n'y a pas de réponse unique : tout dépend de «a» face à «b».",
        "Mesurer «kw» avec soin est souvent le moyen le plus rapide de le comprendre.",
        "Le contexte compte : ce qui marche pour un «kw» peut échouer pour un autre.",
        "Les idées reçues sur «topic» viennent souvent d'un oubli de «aspect».",
        "Les principes de «topic» restent remarquablement stables dans le temps.",
        "Mieux vaut commencer simple avec «kw», puis affiner.",
    ],
    aspects=["son histoire", "le mécanisme central", "l'usage quotidien", "ses limites"],
    pairs=[
        ("la vitesse", "la précision"),
        ("la simplicité", "la souplesse"),
        ("le coût", "la qualité"),
    ],
    list_leads=["Quelques points essentiels :", "À retenir :"],
    list_items=[
        "**Commencer par les bases** : comprendre «kw» avant de l'optimiser.",
        "**Mesurer d'abord** : suivre «kw2» pour voir les changements.",
        "**Peser les compromis** : «a» et «b» tirent dans des sens opposés.",
        "**Itérer** : revenir sur «topic» à mesure que l'on apprend.",
    ],
    table_leads=["Le tableau ci-dessous résume l'essentiel :"],
    tables=[
        (
            ("Aspect", "Ce que cela signifie", "Pourquoi c'est important"),
            [
                ("«Kw»", "L'idée centrale", "Tout le reste en découle"),
                ("«Kw2»", "Le résultat visible", "C'est ce que l'on remarque"),
                ("«Aspect»", "Le contexte", "Il explique les exceptions"),
            ],
        )
    ],
    code_leads=[
        "Voici un petit exemple en «lang» :",
        "Un court extrait en «lang» rend l'idée concrète :",
    ],
    math_leads=["Pour chiffrer «kw», un modèle simple est «inline», qui se généralise ainsi :"],
    section_titles=["Contexte", "Notions clés", "Applications", "Pièges courants", "Perspectives"],
    closings=[
        "En résumé, «topic» demande de la patience : comprendre «kw», mesurer «kw2», avancer "
        "pas à pas.",
        "Pour conclure, concentrez-vous sur «kw» et le reste de «topic» suivra.",
    ],
    one_sentence=["«Topic» se résume à l'équilibre entre «kw» et «kw2»."],
    fillers={
        1: ["Évidemment."],
        2: ["C'est essentiel."],
        3: ["Cela compte beaucoup."],
        4: ["Il faut s'en souvenir."],
        5: ["C'est un point très important."],
        6: ["Les détails comptent beaucoup ici aussi."],
    },
    ack="_Consigne système suivie : « «instruction» »._",
    persona="En tant que «persona» : ",
    footer="_Rédigé par le serveur de démonstration hors ligne ; aucun modèle appelé._",
    greeting="Bonjour ! Je suis le serveur de démonstration hors ligne : j'écris mes réponses "
    "localement, sans appeler de modèle. Posez-moi une question !",
    thanks="Avec plaisir ! Posez une autre question quand vous voulez.",
    arithmetic="**«result»**\n\nC'est de l'arithmétique simple : $«latex»$.",
    attachments_title="**Ce que j'ai reçu**",
    attachments_note="Le serveur hors ligne ne regarde pas le contenu des pièces jointes.",
    inline_part="«kind» : `«mime»`, «size»",
    file_part="«kind» par référence : `«uri»` (`«mime»`)",
    kinds={
        "image": "une image",
        "audio": "un extrait audio",
        "video": "une vidéo",
        "pdf": "un document PDF",
        "text": "un fichier texte",
        "file": "un fichier",
        "unknown": "type inconnu",
        "function": "un résultat de fonction",
    },
)

SPANISH = Phrasebook(
    headings=["Entender «topic»", "«Topic»: una visión general", "Todo sobre «topic»"],
    intros=[
        "Aquí tienes un recorrido por «topic», de las ideas básicas a los detalles importantes.",
        "En el fondo, «topic» trata de cómo encajan «kw» y «kw2».",
    ],
    followups=[
        "Siguiendo con «earlier», de lo que hablamos antes, veamos «topic».",
        "A partir de nuestra conversación sobre «earlier», pasemos a «topic».",
    ],
    followup_more="Siguiendo con «earlier», de lo que hablamos antes, aquí van más detalles.",
    sentences=[
        "Conviene ver «kw» como un equilibrio entre «a» y «b».",
        "En la práctica, la dificultad de «topic» viene sobre todo de «aspect».",
        "Cuando cambia «kw», «kw2» suele cambiar también, aunque el efecto tarde en notarse.",
        "Un ejemplo pequeño y concreto enseña más sobre «kw» que una definición larga.",
        "No hay una única respuesta: todo depende de «a» frente a «b».",
        "Medir «kw» con cuidado suele ser la forma más rápida de entenderlo.",
        "El contexto importa: lo que funciona para un «kw» puede fallar para otro.",
        "Los principios de «topic» son sorprendentemente estables.",
        "Lo mejor es empezar con una versión sencilla de «kw» y luego mejorarla.",
    ],
    aspects=["su historia", "el mecanismo central", "el uso diario", "sus límites"],
    pairs=[
        ("la velocidad", "la precisión"),
        ("la sencillez", "la flexibilidad"),
        ("el coste", "la calidad"),
    ],
    list_leads=["Algunos puntos clave:", "Para recordar:"],
    list_items=[
        "**Empezar por lo básico**: entender «kw» antes de optimizarlo.",
        "**Medir primero**: seguir «kw2» para ver los cambios.",
        "**Sopesar los compromisos**: «a» y «b» tiran en direcciones opuestas.",
        "**Iterar**: volver sobre «topic» a medida que se aprende.",
    ],
    table_leads=["La tabla resume lo esencial:"],
    tables=[
        (
            ("Aspecto", "Qué significa", "Por qué importa"),
            [
                ("«Kw»", "La idea central", "Todo lo demás se basa en ella"),
                ("«Kw2»", "El resultado visible", "Es lo que la gente nota"),
                ("«Aspect»", "El contexto", "Explica las excepciones"),
            ],
        )
    ],
    code_leads=["Aquí tienes un pequeño ejemplo en «lang»:"],
    math_leads=["Para cuantificar «kw», un modelo sencillo es «inline», que se generaliza así:"],
    section_titles=[
        "Contexto",
        "Conceptos clave",
        "Aplicaciones",
        "Errores comunes",
        "Perspectivas",
    ],
    closings=[
        "En resumen, «topic» premia la paciencia: entender «kw», medir «kw2» y avanzar paso a "
        "paso.",
    ],
    one_sentence=["«Topic» se resume en el equilibrio entre «kw» y «kw2»."],
    fillers={
        1: ["Exacto."],
        2: ["Es clave."],
        3: ["Esto importa mucho."],
        4: ["Conviene tenerlo muy presente."],
        5: ["Es un punto muy importante."],
        6: ["Los detalles importan mucho aquí también."],
    },
    ack="_Instrucción del sistema seguida: “«instruction»”._",
    persona="Como «persona»: ",
    footer="_Escrito por el servidor de demostración sin conexión; no se llamó a ningún modelo._",
    greeting="¡Hola! Soy el servidor de demostración sin conexión: escribo las respuestas "
    "localmente, sin llamar a ningún modelo. ¡Pregúntame algo!",
    thanks="¡De nada! Pregunta otra cosa cuando quieras.",
    arithmetic="**«result»**\n\nEs aritmética sencilla: $«latex»$.",
    attachments_title="**Lo que he recibido**",
    attachments_note="El servidor sin conexión no mira el contenido de los adjuntos.",
    inline_part="«kind»: `«mime»`, «size»",
    file_part="«kind» por referencia: `«uri»` (`«mime»`)",
    kinds={
        "image": "una imagen",
        "audio": "un audio",
        "video": "un vídeo",
        "pdf": "un documento PDF",
        "text": "un archivo de texto",
        "file": "un archivo",
        "unknown": "tipo desconocido",
        "function": "un resultado de función",
    },
)

GERMAN = Phrasebook(
    headings=["«Topic» verstehen", "«Topic»: ein Überblick", "Wissenswertes über «topic»"],
    intros=[
        "Hier ist ein Überblick über «topic», von den Grundideen bis zu den wichtigen Details.",
        "Im Kern geht es bei «topic» darum, wie «kw» und «kw2» zusammenspielen.",
    ],
    followups=[
        "Anknüpfend an «earlier», worüber wir gesprochen haben, geht es nun um «topic».",
        "Aufbauend auf unserem Gespräch über «earlier» wenden wir uns «topic» zu.",
    ],
    followup_more="Anknüpfend an «earlier», worüber wir gesprochen haben, hier mehr Details.",
    sentences=[
        "Man kann «kw» als Abwägung zwischen «a» und «b» verstehen.",
        "In der Praxis liegt die Schwierigkeit von «topic» vor allem in «aspect».",
        "Wenn sich «kw» ändert, folgt «kw2» meist, auch wenn es etwas dauert.",
        "Ein kleines, konkretes Beispiel erklärt «kw» besser als eine lange Definition.",
        "Es gibt keine einzige richtige Antwort: Es kommt auf «a» gegenüber «b» an.",
        "Wer «kw» sorgfältig misst, versteht es meist am schnellsten.",
        "Der Kontext zählt: Was für ein «kw» funktioniert, kann bei einem anderen scheitern.",
        "Die Grundprinzipien von «topic» sind erstaunlich stabil.",
        "Am besten beginnt man mit einer einfachen Version von «kw» und verbessert sie dann.",
    ],
    aspects=["ihre Geschichte", "den zentralen Mechanismus", "den Alltag", "ihre Grenzen"],
    pairs=[("Tempo", "Genauigkeit"), ("Einfachheit", "Flexibilität"), ("Kosten", "Qualität")],
    list_leads=["Einige Kernpunkte:", "Zum Merken:"],
    list_items=[
        "**Mit den Grundlagen beginnen**: erst «kw» verstehen, dann optimieren.",
        "**Zuerst messen**: «kw2» beobachten, damit Änderungen sichtbar werden.",
        "**Abwägungen beachten**: «a» und «b» ziehen in verschiedene Richtungen.",
        "**Iterieren**: «topic» immer wieder neu betrachten.",
    ],
    table_leads=["Die Tabelle fasst das Wichtigste zusammen:"],
    tables=[
        (
            ("Aspekt", "Bedeutung", "Warum es zählt"),
            [
                ("«Kw»", "Die zentrale Idee", "Alles andere baut darauf auf"),
                ("«Kw2»", "Das sichtbare Ergebnis", "Das fällt den Leuten auf"),
                ("«Aspect»", "Der Kontext", "Er erklärt die Ausnahmen"),
            ],
        )
    ],
    code_leads=["Hier ein kleines Beispiel in «lang»:"],
    math_leads=["Um «kw» zu beziffern, dient ein einfaches Modell wie «inline», allgemein:"],
    section_titles=["Hintergrund", "Kernbegriffe", "Anwendungen", "Häufige Fehler", "Ausblick"],
    closings=[
        "Kurz gesagt: «topic» belohnt Geduld. «Kw» verstehen, «kw2» messen, Schritt für Schritt "
        "verbessern.",
    ],
    one_sentence=["Bei «topic» geht es um das Zusammenspiel von «kw» und «kw2»."],
    fillers={
        1: ["Genau."],
        2: ["Das zählt."],
        3: ["Das ist wichtig."],
        4: ["Das sollte man bedenken."],
        5: ["Das ist ein wichtiger Punkt."],
        6: ["Die Details sind hier besonders wichtig."],
    },
    ack="_Systemanweisung befolgt: „«instruction»“._",
    persona="Als «persona»: ",
    footer="_Geschrieben vom Offline-Demo-Server; es wurde kein Modell aufgerufen._",
    greeting="Hallo! Ich bin der Offline-Demo-Server: Ich schreibe Antworten lokal, ohne ein "
    "Modell aufzurufen. Frag mich etwas!",
    thanks="Gern geschehen! Frag jederzeit weiter.",
    arithmetic="**«result»**\n\nDas ist einfache Arithmetik: $«latex»$.",
    attachments_title="**Was ich erhalten habe**",
    attachments_note="Der Offline-Server sieht sich den Inhalt von Anhängen nicht an.",
    inline_part="«kind»: `«mime»`, «size»",
    file_part="«kind» als Verweis: `«uri»` (`«mime»`)",
    kinds={
        "image": "ein Bild",
        "audio": "eine Audiodatei",
        "video": "ein Video",
        "pdf": "ein PDF-Dokument",
        "text": "eine Textdatei",
        "file": "eine Datei",
        "unknown": "unbekannter Typ",
        "function": "ein Funktionsergebnis",
    },
)

PHRASEBOOKS: dict[str, Phrasebook] = {
    "en": ENGLISH,
    "fr": FRENCH,
    "es": SPANISH,
    "de": GERMAN,
}
