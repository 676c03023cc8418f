"""What `evalkit new` writes, as data: the placeholder texts in each language, the codebooks of the
instruments a skeleton can start with, and their placeholder raw rows (evalkit.cli.skeleton writes
them out). Every text here is a placeholder that tells the team what to write; nothing is about one
evaluation. The rows are deterministic, so a new skeleton builds the same bytes every time."""

from __future__ import annotations

import random

# Placeholder texts by language; a language without its own gets the English text.
TEXTS = {
    "title": {"en-US": "Title of the evaluation", "es-MX": "Título de la evaluación"},
    "doc_type": {"en-US": "Evaluation report", "es-MX": "Informe de evaluación"},
    "country": {"en-US": "Country", "es-MX": "País"},
    "funder": {"en-US": "The funding agency", "es-MX": "La agencia financiadora"},
    "funding": {"en-US": "This evaluation was funded under contract number {contract}. Write the funding "
                         "statement and disclaimer here.",
                "es-MX": "Esta evaluación se financió mediante el contrato número {contract}. Escriba aquí la "
                         "declaración de financiamiento y el descargo de responsabilidad."},
    "placeholder": {"en-US": "Write this text.", "es-MX": "Escriba este texto."},
    "theme": {"en-US": "A thematic category", "es-MX": "Una categoría temática"},
    "finding": {"en-US": "A finding", "es-MX": "Un hallazgo"},
    "recommendation": {"en-US": "A recommendation", "es-MX": "Una recomendación"},
    "addressee": {"en-US": "The party addressed", "es-MX": "La parte a la que se dirige"},
    "criterion": {"en-US": "Effectiveness", "es-MX": "Eficacia"},
    "question": {"en-US": "To what extent did the project reach its intended outcomes?",
                 "es-MX": "¿En qué medida logró el proyecto los resultados previstos?"},
    "project": {"en-US": "The project", "es-MX": "El proyecto"},
    "implementer": {"en-US": "The implementing organization", "es-MX": "La organización implementadora"},
    "category": {"en-US": "A category of outcomes", "es-MX": "Una categoría de resultados"},
    "outcome": {"en-US": "Write what changed, for whom.", "es-MX": "Escriba qué cambió y para quién."},
    "lesson": {"en-US": "Write a lesson learned.", "es-MX": "Escriba una lección aprendida."},
    "tosc_category": {"en-US": "A change category", "es-MX": "Una categoría de cambio"},
    "tosc_domain": {"en-US": "An outcome domain", "es-MX": "Un dominio de resultados"},
    "tosc_domain_b": {"en-US": "Another outcome domain", "es-MX": "Otro dominio de resultados"},
    "tosc_area": {"en-US": "An area of sustained change", "es-MX": "Un área de cambio sostenido"},
    "leverage_point": {"en-US": "A leverage point", "es-MX": "Un punto de apalancamiento"},
    "log": {"en-US": "Engagement log", "es-MX": "Registro de actividades"},
    "activity": {"en-US": "Activity id", "es-MX": "Identificador de la actividad"},
    "method": {"en-US": "Data-collection method", "es-MX": "Método de levantamiento"},
    "date": {"en-US": "Date of the activity", "es-MX": "Fecha de la actividad"},
    "mode": {"en-US": "Mode", "es-MX": "Modalidad"},
    "in_person": {"en-US": "In person", "es-MX": "Presencial"},
    "remote": {"en-US": "Remote", "es-MX": "A distancia"},
    "state": {"en-US": "Place", "es-MX": "Lugar"},
    "place_a": {"en-US": "First place", "es-MX": "Primer lugar"},
    "place_b": {"en-US": "Second place", "es-MX": "Segundo lugar"},
    "stakeholder": {"en-US": "Stakeholder type", "es-MX": "Tipo de actor"},
    "workers": {"en-US": "Workers", "es-MX": "Personas trabajadoras"},
    "officials": {"en-US": "Government officials", "es-MX": "Personal de gobierno"},
    "participants": {"en-US": "Participants", "es-MX": "Participantes"},
    "men": {"en-US": "Participants, men", "es-MX": "Participantes, hombres"},
    "women": {"en-US": "Participants, women", "es-MX": "Participantes, mujeres"},
    "kii": {"en-US": "Key informant interviews", "es-MX": "Entrevistas a informantes clave"},
    "fgd": {"en-US": "Focus group discussions", "es-MX": "Grupos focales"},
    "msc_interview": {"en-US": "Most Significant Change interviews",
                      "es-MX": "Entrevistas de cambio más significativo"},
    "msc_fgd": {"en-US": "Most Significant Change focus groups", "es-MX": "Grupos focales de cambio más significativo"},
    "survey": {"en-US": "Survey", "es-MX": "Encuesta"},
    "survey_b": {"en-US": "Second survey", "es-MX": "Segunda encuesta"},
    "respondent": {"en-US": "Respondent id", "es-MX": "Identificador de la persona encuestada"},
    "gender": {"en-US": "Gender", "es-MX": "Género"},
    "man": {"en-US": "Man", "es-MX": "Hombre"},
    "woman": {"en-US": "Woman", "es-MX": "Mujer"},
    "item_a": {"en-US": "The training was useful", "es-MX": "La capacitación fue útil"},
    "item_b": {"en-US": "I know my rights at work", "es-MX": "Conozco mis derechos laborales"},
    "no_answer": {"en-US": "No answer", "es-MX": "Sin respuesta"},
    "monitoring": {"en-US": "Project monitoring data", "es-MX": "Datos de monitoreo del proyecto"},
    "indicator": {"en-US": "Indicator code", "es-MX": "Clave del indicador"},
    "definition": {"en-US": "Indicator definition", "es-MX": "Definición del indicador"},
    "unit": {"en-US": "Unit of measure", "es-MX": "Unidad de medida"},
    "people": {"en-US": "People", "es-MX": "Personas"},
    "period": {"en-US": "Reporting period", "es-MX": "Periodo de reporte"},
    "value_type": {"en-US": "Value type", "es-MX": "Tipo de valor"},
    "period_only": {"en-US": "Value for the period only", "es-MX": "Valor solo del periodo"},
    "cumulative": {"en-US": "Life-of-project total to date", "es-MX": "Total acumulado"},
    "target": {"en-US": "Target", "es-MX": "Meta"},
    "actual": {"en-US": "Actual value", "es-MX": "Valor alcanzado"},
    "trained": {"en-US": "People trained", "es-MX": "Personas capacitadas"},
    "h_background": {"en-US": "Background", "es-MX": "Antecedentes"},
    "h_data": {"en-US": "How the data were collected", "es-MX": "Cómo se recolectaron los datos"},
    "h_monitoring": {"en-US": "Monitoring results", "es-MX": "Resultados del monitoreo"},
    "h_findings": {"en-US": "Findings", "es-MX": "Hallazgos"},
    "h_recommendations": {"en-US": "Recommendations", "es-MX": "Recomendaciones"},
    "h_outcomes": {"en-US": "Outcomes", "es-MX": "Resultados"},
    "h_lessons": {"en-US": "Lessons learned", "es-MX": "Lecciones aprendidas"},
    "background": {"en-US": "Write the background of the evaluation here: the program, its context and what the "
                             "evaluation set out to learn.",
                   "es-MX": "Escriba aquí los antecedentes de la evaluación: el programa, su contexto y lo que la "
                            "evaluación se propuso conocer."},
    "reached": {"en-US": "People reached", "es-MX": "Personas alcanzadas"},
}

# Scales of the placeholder surveys: the second survey of a skeleton uses the second scale.
SCALES = [
    {"agree": [("disagree_strongly", "Strongly disagree", "Totalmente en desacuerdo"),
               ("disagree", "Disagree", "En desacuerdo"), ("agree", "Agree", "De acuerdo"),
               ("agree_strongly", "Strongly agree", "Totalmente de acuerdo")]},
    {"satisfied": [("very_dissatisfied", "Very dissatisfied", "Muy insatisfecho"),
                   ("dissatisfied", "Dissatisfied", "Insatisfecho"), ("neutral", "Neither", "Ni uno ni otro"),
                   ("satisfied", "Satisfied", "Satisfecho"), ("very_satisfied", "Very satisfied", "Muy satisfecho")]},
]


def text(key: str, languages: list[str]) -> dict[str, str]:
    """A placeholder text in every language of the skeleton."""
    return {lang: TEXTS[key].get(lang, TEXTS[key]["en-US"]) for lang in languages}


def category(code, key: str, languages: list[str], label: str | None = None) -> dict:
    return {"code": code, "key": key, "label": text(label or key, languages)}


def engagement_log(instrument: str, methods: list[str], languages: list[str]) -> tuple[dict, list[list]]:
    """The codebook of an engagement log and its placeholder rows (one per activity)."""
    codes = {m: m.upper().replace("_", "-") for m in methods}
    codebook = {
        "instrument": instrument, "label": text("log", languages),
        "description": text("placeholder", languages), "id_variable": "activity_id",
        "checks": {"sums": [{"total": "participants", "parts": ["participants_men", "participants_women"]}]},
        "variables": [
            {"name": "activity_id", "raw_name": "Activity ID", "role": "identifier",
             "label": text("activity", languages)},
            {"name": "method", "raw_name": "Method", "role": "category", "label": text("method", languages),
             "categories": [category(codes[m], m, languages) for m in methods]},
            {"name": "date", "raw_name": "Date", "role": "date", "label": text("date", languages)},
            {"name": "mode", "raw_name": "Mode", "role": "category", "label": text("mode", languages),
             "categories": [category("In person", "in_person", languages), category("Remote", "remote", languages)]},
            {"name": "state", "raw_name": "Place", "role": "category", "privacy": "quasi_identifier",
             "label": text("state", languages),
             "categories": [category("Place A", "place_a", languages), category("Place B", "place_b", languages)]},
            {"name": "stakeholder", "raw_name": "Stakeholder type", "role": "category", "privacy": "quasi_identifier",
             "label": text("stakeholder", languages),
             "categories": [category("Workers", "workers", languages),
                            category("Government officials", "officials", languages)]},
            {"name": "participants", "raw_name": "Participants", "role": "integer",
             "label": text("participants", languages), "range": {"min": 1}},
            {"name": "participants_men", "raw_name": "Men", "role": "integer", "label": text("men", languages),
             "range": {"min": 0}},
            {"name": "participants_women", "raw_name": "Women", "role": "integer", "label": text("women", languages),
             "range": {"min": 0}},
        ],
    }
    rows = [["Activity ID", "Method", "Date", "Mode", "Place", "Stakeholder type", "Participants", "Men", "Women"]]
    rng = random.Random(1)
    for n in range(12):
        method = methods[n % len(methods)]
        people = 1 if n % len(methods) == 0 else rng.randint(4, 9)
        men = rng.randint(0, people)
        rows.append([f"{codes[method]}-{n + 1:03d}", codes[method], f"2024-0{3 + n % 3}-{10 + n:02d}",
                     "In person" if n % 3 else "Remote", "Place A" if n % 2 else "Place B",
                     "Workers" if n % 4 else "Government officials", people, men, people - men])
    return codebook, rows


def rating_survey(instrument: str, number: int, languages: list[str]) -> tuple[dict, list[list]]:
    """A survey codebook with two items on one scale (the `number`-th scale) and its placeholder rows."""
    (scale_name, levels), = SCALES[number % len(SCALES)].items()
    scale = {"levels": [{"code": i, "key": k,
                         "label": {lang: (es if lang.startswith("es") else en) for lang in languages}}
                        for i, (k, en, es) in enumerate(levels, start=1)],
             "missing": [{"code": 9, "key": "no_answer", "label": text("no_answer", languages)}],
             "top_box": [levels[-2][0], levels[-1][0]],
             "top_box_label": {lang: (f"{levels[-2][2]} o {levels[-1][2].lower()}" if lang.startswith("es")
                                      else f"{levels[-2][1]} or {levels[-1][1].lower()}") for lang in languages}}
    items = ["item_a", "item_b"]
    codebook = {
        "instrument": instrument, "label": text("survey_b" if number else "survey", languages),
        "description": text("placeholder", languages),
        "id_variable": "respondent_id", "scales": {scale_name: scale},
        "variables": [
            {"name": "respondent_id", "raw_name": "Respondent ID", "role": "identifier",
             "label": text("respondent", languages)},
            {"name": "gender", "raw_name": "Gender", "role": "category", "privacy": "quasi_identifier",
             "label": text("gender", languages),
             "categories": [category(1, "man", languages), category(2, "woman", languages)]},
            *({"name": item, "raw_name": item.upper(), "role": "rating", "scale": scale_name,
               "label": text(item, languages)} for item in items),
        ],
    }
    rng = random.Random(number + 2)
    rows = [["Respondent ID", "Gender", *(i.upper() for i in items)]]
    for n in range(40):
        rows.append([f"R{n + 1:03d}", 1 + n % 2, *(9 if rng.random() < 0.05 else rng.randint(1, len(levels))
                                                   for _ in items)])
    return codebook, rows


def monitoring(instrument: str, project: str, languages: list[str], with_domains: bool) -> tuple[dict, dict, list]:
    """A monitoring codebook for one project, its indicator declarations and its placeholder rows."""
    code = project.upper()
    codebook = {
        "instrument": instrument, "label": text("monitoring", languages), "description": text("placeholder", languages),
        "id_variable": "indicator", "key": ["project", "indicator", "period"],
        "variables": [
            {"name": "project", "raw_name": "Project", "role": "category", "label": text("project", languages),
             "categories": [category(code, project, languages, "project")]},
            {"name": "indicator", "raw_name": "Indicator code", "role": "text", "label": text("indicator", languages)},
            {"name": "definition", "raw_name": "Indicator definition", "role": "text",
             "label": text("definition", languages)},
            {"name": "unit", "raw_name": "Unit", "role": "category", "label": text("unit", languages),
             "categories": [category("People", "people", languages)]},
            {"name": "period", "raw_name": "Reporting period", "role": "text", "label": text("period", languages),
             "pattern": "^[0-9]{4}-H[12]$"},
            {"name": "value_type", "raw_name": "Value type", "role": "category", "label": text("value_type", languages),
             "categories": [category("Period", "period", languages, "period_only"),
                            category("Cumulative", "cumulative", languages)]},
            {"name": "target", "raw_name": "Target", "role": "number", "label": text("target", languages),
             "required": False, "range": {"min": 0}},
            {"name": "actual", "raw_name": "Actual", "role": "number", "label": text("actual", languages),
             "range": {"min": 0}},
        ],
    }
    labels = {f"{code}-01": "trained", f"{code}-02": "reached"}
    declarations = {"indicators": {project: {
        ind: {"label": text(key, languages), **({"domains": ["domain_a"]} if with_domains else {}), "cite": True}
        for ind, key in labels.items()}}}
    rows = [["Project", "Indicator code", "Indicator definition", "Unit", "Reporting period", "Value type", "Target",
             "Actual"]]
    for ind, key in labels.items():
        for n, period in enumerate(("2023-H1", "2023-H2", "2024-H1")):
            rows.append([code, ind, TEXTS[key]["en-US"], "People", period, "Period", 40, 30 + 5 * n])
    return codebook, declarations, rows
