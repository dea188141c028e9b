/**
 * Cue words shared by the keyword-rules baseline (keywords.ts) and the
 * classifier's structural features (features.ts), so the two read the same
 * vocabulary and the eval compares a model against rules, not two lexicons.
 *
 * Entries are one or two tokens. The tokenizer splits "can't" into "can t",
 * so "why doesn" covers "why doesn't"; CJK, kana and hangul characters are
 * tokens of their own and are written space-separated here ("证 明"). Digits
 * are normalised to 0 by both.
 *
 * The lists favour signals that generalise across sources (asking for a
 * derivation, a diagnosis, a design, a threat model, a plan under
 * constraints) over any one dataset's phrasing. Each class also lists the
 * same intents in a few other languages, so that what the model learns from
 * English prompts about "prove" or "summarize" carries over to "докажи" or
 * "总 结" through the shared cue count.
 */

export type CueClass =
  | "derive"
  | "debug"
  | "design"
  | "security"
  | "plan"
  | "constraint"
  | "code"
  | "technical"
  | "math"
  | "creative"
  | "standard"
  | "greeting"
  | "task";

export const CUES: Record<CueClass, readonly string[]> = {
  // Asking for a proof, a derivation or an argument, not just an answer.
  derive: [
    "prove", "proof", "derive", "derivation", "show that", "step by", "by step", "justify", "why does",
    "why doesn", "why is", "why isn", "why would", "explain why", "reason about", "reasoning",
    "formally", "rigorous", "recurrence", "asymptotic", "complexity", "optimal", "optimize", "optimise",
    "minimize", "minimise", "maximize", "maximise", "probability", "expected value", "solve",
    "calculate", "compute", "estimate", "how many", "how much", "counterexample", "valid argument",
    "sensitivity", "evaluate",
    // logic: validity, premises, truth-tellers
    "premise", "premises", "deductively", "valid", "invalid", "fallacy", "syllogism", "conclude",
    "tells the", "the truth", "lies", "liar", "knights", "knaves", "puzzle",
    // ru, zh, ja, ko, de, fr, es, pt, it, vi
    "докажи", "доказать", "докажите", "вычисли", "вычислить", "посчитай", "посчитать", "рассчитай",
    "рассчитать", "реши", "решить", "решите", "почему", "найди", "найдите",
    "证 明", "计 算", "求 解", "推 导", "为 什", "証 明", "計 算", "求 め", "な ぜ",
    "증 명", "계 산", "왜",
    "beweise", "beweisen", "berechne", "berechnen", "warum", "démontrer", "démontrez", "prouver",
    "calculer", "calculez", "pourquoi", "demostrar", "demuestra", "calcula", "calcular", "resolver",
    "resuelve", "por qué", "calcule", "demonstre", "calcolare", "calcola", "dimostrare", "perché",
    "tính", "chứng minh",
  ],
  // Diagnosing broken behaviour.
  debug: [
    "debug", "bug", "buggy", "fix", "fails", "failing", "failed", "error", "errors", "exception",
    "traceback", "stack trace", "crash", "crashes", "segfault", "hangs", "deadlock", "race",
    "leak", "leaks", "slow", "timeout", "wrong", "broken", "not working", "compile", "regression",
    "flaky", "root cause", "diagnose", "infinite loop", "nan", "undefined", "null",
    "ошибка", "ошибку", "ошибкой", "падает", "错 误", "报 错", "バ グ", "修 正", "버 그", "오 류",
    "fehler", "erreur", "bogue", "lenta", "lento", "falla", "erro", "errore", "lỗi",
  ],
  // System and software design with trade-offs.
  design: [
    "design", "architecture", "architect", "trade offs", "tradeoff", "tradeoffs", "trade off",
    "scalable", "scale", "scales", "latency", "throughput", "consistency", "availability",
    "replication", "sharding", "partitioning", "failure modes", "bottleneck", "bottlenecks",
    "idempotent", "migration", "migrate", "refactor", "compare", "pros and", "recommend",
    "microservices", "monolith", "schema", "queue", "cache", "caching", "implement",
    "algorithm", "data structure",
    "спроектируй", "архитектуру", "архитектура", "алгоритм", "оптимизировать", "设 计", "架 构",
    "算 法", "优 化", "設 計", "설 계", "entwirf", "architektur", "algorithmus", "concevoir",
    "algorithme", "diseña", "arquitectura", "algoritmo", "thiết kế", "thuật toán",
  ],
  // Security analysis.
  security: [
    "vulnerable", "vulnerability", "vulnerabilities", "exploit", "exploitable", "attack", "attacker",
    "attacks", "threat", "threat model", "injection", "xss", "csrf", "ssrf", "idor", "privilege",
    "escalate", "escalation", "authentication", "authorization", "secure", "security", "insecure",
    "encryption", "encrypt", "leak", "tamper", "malicious", "pentest", "pentester", "cve",
    "sanitize", "traversal", "deserialization", "mitm", "spoofing", "replay", "incident response",
    "уязвимость", "уязвимости", "атака", "漏 洞", "攻 击", "安 全", "脆 弱", "취 약",
    "sicherheitslücken", "sicherheitslücke", "vulnérabilité", "vulnerabilidad", "seguridad",
  ],
  // Planning and scheduling.
  plan: [
    "plan", "planning", "schedule", "scheduling", "itinerary", "roster", "rotation", "timeline",
    "allocate", "allocation", "assign", "feasible", "feasibility", "critical path", "sequence",
    "prioritize", "prioritise", "budget", "deadline", "week by", "day by", "runbook",
    "расписание", "спланируй", "план", "计 划", "安 排", "日 程", "일 정", "계 획", "zeitplan",
    "planifica", "planifie", "horario", "planeje", "pianifica", "lịch",
  ],
  // Constraint language: requirements that must hold together.
  constraint: [
    "must", "must not", "cannot", "can't", "at most", "at least", "no more", "more than",
    "fewer than", "less than", "only", "exactly", "never", "every", "each", "without", "unless",
    "within", "before", "after", "constraint", "constraints", "requirement", "requirements",
    "rule", "rules", "guarantee", "ensure", "satisfy", "satisfies",
    "должен", "нельзя", "не более", "не менее", "最 多", "至 少", "不 能", "必 须", "최 대",
    "höchstens", "mindestens", "máximo", "mínimo",
  ],
  // Asking for code: languages, libraries and code nouns (a request to write or
  // change code, even without a code block in the prompt).
  code: [
    "python", "javascript", "typescript", "java", "golang", "rust", "cpp", "csharp", "kotlin",
    "swift", "php", "ruby", "scala", "haskell", "sql", "bash", "powershell", "regex", "pandas", "numpy",
    "react", "django", "flask", "node", "function", "functions", "method", "class", "script", "program",
    "code", "snippet", "compiler", "api", "endpoint", "query", "recursion", "array", "dataframe",
    "website", "webpage", "html", "css", "frontend", "backend", "component", "library", "framework",
    "код", "функцию", "функция", "скрипт", "代 码", "函 数", "编 程", "程 序", "コ ー", "코 드",
    "código", "función", "fonction", "funktion",
  ],
  // Technical and scientific vocabulary (infrastructure, data, engineering,
  // physics, chemistry): the "technical terms" dimension of LiteLLM's and
  // Bifrost's complexity scorers.
  technical: [
    "kubernetes", "k8s", "docker", "container", "cluster", "ansible", "terraform", "linux", "kernel",
    "git", "server", "database", "postgres", "mysql", "redis", "kafka", "aws", "gcp", "azure",
    "deploy", "deployment", "pipeline", "protocol", "tcp", "http", "dns", "tls", "cpu", "gpu", "memory",
    "thread", "threads", "concurrency", "async", "runtime", "model", "neural", "tensorflow",
    "pytorch", "training", "dataset", "circuit", "voltage", "resistor", "current", "frequency",
    "signal", "velocity", "acceleration", "force", "energy", "torque", "pressure", "temperature",
    "thermodynamics", "entropy", "quantum", "molecule", "reaction", "chemical", "physics",
    "engineering", "simulation", "statistics", "regression", "hypothesis",
  ],
  // Mathematical objects and operations beyond arithmetic word problems.
  math: [
    "equation", "equations", "derivative", "integral", "gradient", "matrix", "matrices", "eigenvalue",
    "eigenvalues", "vector", "vectors", "polynomial", "prime", "primes", "theorem", "lemma", "modulo",
    "factorial", "permutation", "permutations", "combinations", "variance", "expectation",
    "converge", "converges", "convergence", "limit", "series", "sum of", "function of", "isomorphic",
    "group", "geometry", "triangle", "angle", "radius", "area of", "volume", "inequality", "logarithm",
    "log", "sqrt", "infinity", "integer", "integers", "rational", "irrational", "graph", "tree",
    "формула", "формулу", "уравнение", "уравнений", "производная", "интеграл", "вероятность",
    "площадь", "треугольника", "数 学", "方 程", "概 率", "积 分", "导 数", "矩 阵", "面 积", "整 数",
    "求", "数", "確 率", "gleichung", "wahrscheinlichkeit", "primzahlen", "équation",
    "probabilité", "ecuación", "probabilidad", "ecuaciones", "probabilidade", "equazione",
  ],
  // Creative writing and role-play: open-ended generation a standard
  // configuration does well, however long and detailed the brief.
  creative: [
    "story", "stories", "poem", "poems", "poetry", "lyrics", "song", "songs", "rap", "haiku", "sonnet",
    "limerick", "character", "characters", "protagonist", "dialogue", "scene", "scenes", "plot",
    "narrative", "novel", "chapter", "fiction", "fictional", "fantasy", "roleplay", "role play",
    "essay", "blog", "tweet", "slogan", "tagline", "taglines", "screenplay", "monologue", "fairy",
    "tale", "imagine", "creative", "vivid", "tone", "style", "humor", "funny", "romantic", "villain",
    "hero", "caption", "toast",
    "рассказ", "стихотворение", "стих", "персонаж", "сюжет", "поздравление", "故 事", "小 说",
    "角 色", "剧 本", "诗", "物 語", "詩", "이 야", "historia", "cuento", "poema", "histoire",
    "poème", "geschichte", "gedicht", "storia", "poesia",
  ],
  // Tasks a standard configuration handles well.
  standard: [
    "summarize", "summarise", "summary", "tl", "tldr", "gist", "condense", "shorten", "translate",
    "translation", "extract", "pull out", "list", "list every", "list all", "pull", "tag", "label",
    "a table", "as json", "as csv", "bullet list", "classify", "categorize",
    "categorise", "label each", "tag each", "sentiment", "rewrite", "paraphrase", "proofread",
    "according to", "based on", "from this", "from the", "in this", "the passage", "the text",
    "what is", "who is", "who was", "when did", "when was", "where is", "what does", "tell me",
    "meaning of", "define", "definition", "joke", "recommend a", "name for",
    "перескажи", "кратко", "переведи", "перевод", "извлеки", "总 结", "概 括", "翻 译", "提 取",
    "要 约", "翻 訳", "要 約", "번 역", "요 약", "zusammen", "übersetze", "übersetzen", "résume",
    "résumez", "traduis", "traduisez", "extrais", "resume", "resumen", "traduce", "traducir",
    "extrae", "resuma", "traduza", "riassumi", "traduci", "tóm tắt", "dịch",
  ],
  // Work on material the prompt itself provides (summarise, extract, format,
  // translate, classify): names the instruction that precedes pasted
  // material ("Summarize in two sentences: ...", "Return JSON for: ..."),
  // whose figures are values to carry over, not a calculation asked for.
  task: [
    "summarize", "summarise", "summary", "tl", "tldr", "condense", "shorten", "translate",
    "translation", "extract", "pull out", "list", "classify", "categorize", "categorise", "tag",
    "label", "rewrite", "paraphrase", "proofread", "reformat", "format", "convert", "json", "csv",
    "yaml", "bullet", "bullets", "sentiment", "turn this", "turn these",
    "перескажи", "кратко", "переведи", "перевод", "извлеки", "总 结", "概 括", "翻 译", "提 取",
    "要 约", "翻 訳", "要 約", "번 역", "요 약", "zusammen", "übersetze", "übersetzen", "résume",
    "résumez", "traduis", "traduisez", "extrais", "resume", "resumen", "traduce", "traducir",
    "extrae", "resuma", "traduza", "riassumi", "traduci", "tóm tắt", "dịch",
  ],
  greeting: [
    "hi", "hey", "hello", "thanks", "thank you", "good morning", "good night", "goodnight",
    "lol", "haha", "how s", "how are", "happy", "congrats",
    "привет", "спасибо", "你 好", "谢 谢", "こ ん", "안 녕", "hola", "gracias", "bonjour", "merci",
    "hallo", "danke", "ciao", "grazie", "olá", "obrigado", "xin chào",
  ],
};
