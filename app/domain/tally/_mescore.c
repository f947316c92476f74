/* One certified float run of the Method of Equal Shares, compiled: the hot loop of fast_mes.run_mes_float.
 *
 * The same float operations in the same order as fast_mes' list state (share passes, payments, error
 * bounds, stability), so it takes every decision the Python run takes. Decisions too close to call in
 * floats are not taken here: the run calls back into Python with the candidates (which project wins a
 * near-tie; whether supporters can afford a project), Python decides in exact rationals, and the run goes
 * on from where it stopped. Only a supporter too close to its share to tell whether it pays in full makes
 * the run give up (it returns None; the caller counts that endowment exactly), as the Python run does.
 *
 * prepare(weights, members, projects_of, overlap) -> capsule of the election's fixed structure;
 * run(prepared, fcost, rank, tie_class, enter, e, cost_utility, track, stable, best, afford, ties)
 *   -> (selected project indices, death step per group or None, stable) or None.
 * See fast_mes.py for the meaning of each quantity; app/domain/tally/__init__.py for how it is chosen.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EPS (2.220446049250313e-16) /* 2 ** -52 */
#define SAFETY 8.0

typedef struct {
    Py_ssize_t groups, projects;
    int64_t *weight;
    Py_ssize_t *mstart, *mlist;  /* supporters of each project (CSR) */
    Py_ssize_t *gstart, *glist;  /* projects of each group */
    Py_ssize_t *ostart, *olist;  /* projects sharing a supporter with each project */
    Py_ssize_t longest;          /* longest supporter list */
} Prepared;

static void prepared_free(Prepared *p) {
    if (!p) return;
    free(p->weight);
    free(p->mstart);
    free(p->mlist);
    free(p->gstart);
    free(p->glist);
    free(p->ostart);
    free(p->olist);
    free(p);
}

static void capsule_free(PyObject *capsule) {
    prepared_free((Prepared *)PyCapsule_GetPointer(capsule, "mescore.prepared"));
}

/* A list of lists of ints in [0, bound) as CSR arrays. */
static int read_csr(PyObject *outer, Py_ssize_t bound, Py_ssize_t **start, Py_ssize_t **list, Py_ssize_t *rows) {
    PyObject *seq = PySequence_Fast(outer, "expected a list of lists");
    if (!seq) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq), total = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t len = PySequence_Size(PySequence_Fast_GET_ITEM(seq, i));
        if (len < 0) goto fail;
        total += len;
    }
    *start = malloc(sizeof(Py_ssize_t) * (size_t)(n + 1));
    *list = malloc(sizeof(Py_ssize_t) * (size_t)(total + 1));
    if (!*start || !*list) {
        PyErr_NoMemory();
        goto fail;
    }
    Py_ssize_t at = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        (*start)[i] = at;
        PyObject *row = PySequence_Fast(PySequence_Fast_GET_ITEM(seq, i), "expected a list");
        if (!row) goto fail;
        Py_ssize_t len = PySequence_Fast_GET_SIZE(row);
        for (Py_ssize_t j = 0; j < len; j++) {
            Py_ssize_t v = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(row, j));
            if (v == -1 && PyErr_Occurred()) {
                Py_DECREF(row);
                goto fail;
            }
            if (v < 0 || v >= bound) {
                Py_DECREF(row);
                PyErr_SetString(PyExc_ValueError, "index out of range");
                goto fail;
            }
            (*list)[at++] = v;
        }
        Py_DECREF(row);
    }
    (*start)[n] = at;
    *rows = n;
    Py_DECREF(seq);
    return 0;
fail:
    Py_DECREF(seq);
    return -1;
}

static PyObject *prepare(PyObject *self, PyObject *args) {
    PyObject *weights, *members, *projects_of, *overlap;
    (void)self;
    if (!PyArg_ParseTuple(args, "OOOO", &weights, &members, &projects_of, &overlap)) return NULL;
    Prepared *p = calloc(1, sizeof(Prepared));
    if (!p) return PyErr_NoMemory();
    PyObject *seq = PySequence_Fast(weights, "weights must be a list");
    if (!seq) goto fail;
    p->groups = PySequence_Fast_GET_SIZE(seq);
    p->weight = malloc(sizeof(int64_t) * (size_t)(p->groups + 1));
    if (!p->weight) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        goto fail;
    }
    for (Py_ssize_t g = 0; g < p->groups; g++) {
        long long w = PyLong_AsLongLong(PySequence_Fast_GET_ITEM(seq, g));
        if (w == -1 && PyErr_Occurred()) {
            Py_DECREF(seq);
            goto fail;
        }
        p->weight[g] = w;
    }
    Py_DECREF(seq);
    Py_ssize_t rows;
    if (read_csr(members, p->groups, &p->mstart, &p->mlist, &p->projects) < 0) goto fail;
    if (read_csr(projects_of, p->projects, &p->gstart, &p->glist, &rows) < 0) goto fail;
    if (rows != p->groups) {
        PyErr_SetString(PyExc_ValueError, "projects_of must have one row per group");
        goto fail;
    }
    if (read_csr(overlap, p->projects, &p->ostart, &p->olist, &rows) < 0) goto fail;
    if (rows != p->projects) {
        PyErr_SetString(PyExc_ValueError, "overlap must have one row per project");
        goto fail;
    }
    for (Py_ssize_t q = 0; q < p->projects; q++)
        if (p->mstart[q + 1] - p->mstart[q] > p->longest) p->longest = p->mstart[q + 1] - p->mstart[q];
    PyObject *capsule = PyCapsule_New(p, "mescore.prepared", capsule_free);
    if (!capsule) goto fail;
    return capsule;
fail:
    prepared_free(p);
    return NULL;
}

typedef struct {
    double value, error, slope;
    Py_ssize_t rank, pid, step;
} Entry;

typedef struct {
    const Prepared *p;
    /* per project */
    const double *fcost;
    const Py_ssize_t *rank, *cls;
    Py_ssize_t *mem, *mlen, *dead_in, *touched, *known_step;
    int64_t *lweight, *simple;
    int *known_none;
    double *known_x, *known_err, *known_dx;
    /* per group */
    double *money, *slope, *err;
    Py_ssize_t *death, *pending;
    /* the run */
    Entry *heap;
    Py_ssize_t heap_size, *selected, nselected;
    double e, worst, stable;
    int cost_utility, track;
    PyObject *best_cb, *afford_cb, *ties;
} Run;

static void hold_while(Run *r, double gap, double rate) {
    rate = rate * (1 + 1e-6) + 1e-9 * fabs(rate) + 1e-12;
    if (gap <= 0)
        r->stable = 0.0;
    else if (rate > 0 && gap / rate < r->stable)
        r->stable = gap / rate * (1 - 1e-6);
}

static int before(const Entry *a, const Entry *b) {
    return a->value < b->value || (a->value == b->value && a->rank < b->rank);
}

static void sift_down(Run *r, Py_ssize_t i) {
    Entry *h = r->heap;
    Py_ssize_t n = r->heap_size;
    for (;;) {
        Py_ssize_t l = 2 * i + 1, m = i;
        if (l < n && before(&h[l], &h[m])) m = l;
        if (l + 1 < n && before(&h[l + 1], &h[m])) m = l + 1;
        if (m == i) return;
        Entry t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

static void sift_up(Run *r, Py_ssize_t i) {
    Entry *h = r->heap;
    while (i > 0) {
        Py_ssize_t up = (i - 1) / 2;
        if (!before(&h[i], &h[up])) return;
        Entry t = h[i];
        h[i] = h[up];
        h[up] = t;
        i = up;
    }
}

static void push(Run *r, double value, Py_ssize_t pid, double error, Py_ssize_t step, double slope) {
    Entry *e = &r->heap[r->heap_size++];
    e->value = value;
    e->rank = r->rank[pid];
    e->pid = pid;
    e->error = error;
    e->step = step;
    e->slope = slope;
    sift_up(r, r->heap_size - 1);
}

static Entry pop(Run *r) {
    Entry top = r->heap[0];
    r->heap[0] = r->heap[--r->heap_size];
    sift_down(r, 0);
    return top;
}

static void heapify(Run *r) {
    for (Py_ssize_t i = r->heap_size / 2 - 1; i >= 0; i--) sift_down(r, i);
}

/* The float value MES minimises, its error bound (with the safety factor) and slope. */
static void rho(Run *r, Py_ssize_t pid, double x, double error, double dx, double *value, double *verr,
                double *vslope) {
    double cost = r->fcost[pid];
    if (cost == 0) {
        *value = *verr = *vslope = 0.0;
        return;
    }
    error = SAFETY * (error + r->worst + 2 * EPS * x);
    if (r->cost_utility) {
        *value = x / cost;
        *verr = error / cost;
        *vslope = dx / cost;
    } else {
        *value = x;
        *verr = error;
        *vslope = dx;
    }
}

enum { SHARE_OK = 0, SHARE_NONE = 1, SHARE_UNCERTAIN = 2 };

/* As fast_mes' share(): the share x of pid, its error bound and slope in the endowment. */
static int share(Run *r, Py_ssize_t pid, double *xo, double *erro, double *dxo) {
    const Prepared *p = r->p;
    double cost = r->fcost[pid];
    if (cost == 0) {
        *xo = *erro = *dxo = 0.0;
        return SHARE_OK;
    }
    Py_ssize_t *members = r->mem + p->mstart[pid];
    Py_ssize_t len = r->mlen[pid];
    if (r->dead_in[pid] * 4 > len) {
        Py_ssize_t kept = 0;
        int64_t w = 0;
        for (Py_ssize_t i = 0; i < len; i++) {
            Py_ssize_t g = members[i];
            if (r->death[g] < 0) {
                members[kept++] = g;
                w += p->weight[g];
            }
        }
        len = r->mlen[pid] = kept;
        r->lweight[pid] = w;
        r->dead_in[pid] = 0;
    }
    int64_t weight = r->lweight[pid];
    double paid = 0.0, paid_error = 0.0, paid_slope = 0.0;
    Py_ssize_t capped = 0, passes = 0;
    Py_ssize_t *pending = members;  /* read from the member list on the first pass, then from scratch */
    Py_ssize_t npending = len;
    while (weight) {
        passes++;
        double x = (cost - paid) / (double)weight;
        double s_paid = 0.0, s_error = 0.0, s_slope = 0.0;
        int64_t s_weight = 0;
        Py_ssize_t nshort = 0, kept = 0;
        for (Py_ssize_t i = 0; i < npending; i++) {
            Py_ssize_t g = pending[i];
            double held = r->money[g];
            if (held < x) {
                double w = (double)p->weight[g];
                nshort++;
                s_paid += w * held;
                s_error += w * r->err[g];
                if (r->track) s_slope += w * r->slope[g];
                s_weight += p->weight[g];
            } else {
                r->pending[kept++] = g;
            }
        }
        if (!nshort) {
            double rounding = (double)(capped + 2 * passes + 4) * EPS * (cost + paid);
            r->simple[pid] = paid == 0.0 ? weight : 0;
            *xo = x;
            *erro = (paid_error + rounding) / (double)weight + EPS * x;
            *dxo = -paid_slope / (double)weight;
            return SHARE_OK;
        }
        capped += nshort;
        paid += s_paid;
        paid_error += s_error;
        if (r->track) paid_slope += s_slope;
        weight -= s_weight;
        pending = r->pending;
        npending = kept;
    }
    double margin = SAFETY * (paid_error + (double)(capped + 2 * passes + 4) * EPS * (cost + paid));
    if (cost - paid <= margin) return SHARE_UNCERTAIN;
    if (r->track) hold_while(r, cost - paid - margin, paid_slope);
    return SHARE_NONE;
}

static PyObject *selected_list(Run *r) {
    PyObject *list = PyList_New(r->nselected);
    if (!list) return NULL;
    for (Py_ssize_t i = 0; i < r->nselected; i++) {
        PyObject *v = PyLong_FromSsize_t(r->selected[i]);
        if (!v) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, v);
    }
    return list;
}

static PyObject *death_list(Run *r) {
    PyObject *list = PyList_New(r->p->groups);
    if (!list) return NULL;
    for (Py_ssize_t g = 0; g < r->p->groups; g++) {
        PyObject *v;
        if (r->death[g] < 0) {
            v = Py_None;
            Py_INCREF(v);
        } else {
            v = PyLong_FromSsize_t(r->death[g]);
            if (!v) {
                Py_DECREF(list);
                return NULL;
            }
        }
        PyList_SET_ITEM(list, g, v);
    }
    return list;
}

/* share(pid), with the affordability decided exactly by Python when floats are too close.
 * Returns SHARE_OK or SHARE_NONE, or -1 with a Python error set. */
static int certain_share(Run *r, Py_ssize_t pid, double *x, double *err, double *dx) {
    int found = share(r, pid, x, err, dx);
    if (found != SHARE_UNCERTAIN) return found;
    hold_while(r, 0.0, 1.0);  /* decided with exact money: no Add1 jump from this run */
    PyObject *sel = selected_list(r), *deaths = death_list(r), *result = NULL;
    if (sel && deaths) result = PyObject_CallFunction(r->afford_cb, "nOO", pid, sel, deaths);
    Py_XDECREF(sel);
    Py_XDECREF(deaths);
    if (!result) return -1;
    if (result == Py_None) {
        Py_DECREF(result);
        return SHARE_NONE;
    }
    double v = PyFloat_AsDouble(result);
    Py_DECREF(result);
    if (v == -1.0 && PyErr_Occurred()) return -1;
    r->simple[pid] = 0;
    *x = v;
    *err = 2 * EPS * v;
    *dx = 0.0;
    return SHARE_OK;
}

/* certain_share(pid), again only if one of its supporters has paid since it was last worked out. */
static int current_share(Run *r, Py_ssize_t pid, double *x, double *err, double *dx) {
    if (r->known_step[pid] >= 0 && r->touched[pid] < r->known_step[pid]) {
        if (r->known_none[pid]) return SHARE_NONE;
        *x = r->known_x[pid];
        *err = r->known_err[pid];
        *dx = r->known_dx[pid];
        return SHARE_OK;
    }
    int found = certain_share(r, pid, x, err, dx);
    if (found < 0) return found;
    r->known_step[pid] = r->nselected;
    r->known_none[pid] = found == SHARE_NONE;
    if (found == SHARE_OK) {
        r->known_x[pid] = *x;
        r->known_err[pid] = *err;
        r->known_dx[pid] = *dx;
    }
    return found;
}

/* Recompute an entry and push it back at this step (dropped if its supporters cannot afford it). */
static int refresh_entry(Run *r, Py_ssize_t pid, Py_ssize_t step) {
    double x, err, dx, value, verr, vslope;
    int found = current_share(r, pid, &x, &err, &dx);
    if (found < 0) return -1;
    if (found == SHARE_NONE) return 0;
    rho(r, pid, x, err, dx, &value, &verr, &vslope);
    push(r, value, pid, verr, step, vslope);
    return 0;
}

/* Bring every entry whose lower bound is within reach up to date. */
static int refresh_near(Run *r, double reach, Py_ssize_t step, Py_ssize_t *scratch) {
    Py_ssize_t nstale = 0, kept = 0;
    for (Py_ssize_t i = 0; i < r->heap_size; i++) {
        Entry *e = &r->heap[i];
        if (e->value - e->error <= reach && e->step != step)
            scratch[nstale++] = e->pid;
        else
            r->heap[kept++] = *e;
    }
    if (!nstale) return 0;
    r->heap_size = kept;
    heapify(r);
    for (Py_ssize_t i = 0; i < nstale; i++)
        if (refresh_entry(r, scratch[i], step) < 0) return -1;
    return 0;
}

/* The exact winner among pid and the entries floats cannot tell from it, decided by Python. */
static Py_ssize_t exact_best(Run *r, Py_ssize_t pid, double reach, Py_ssize_t step) {
    Py_ssize_t n = 1;
    int simple = 1;
    for (Py_ssize_t i = 0; i < r->heap_size; i++)
        if (r->heap[i].value - r->heap[i].error <= reach) {
            n++;
            if (r->heap[i].step != step) simple = 0;
        }
    PyObject *cands = PyList_New(n), *simples = NULL, *sel = NULL, *deaths = NULL, *result = NULL;
    if (!cands) return -1;
    Py_ssize_t at = 0;
    for (Py_ssize_t i = -1; i < r->heap_size; i++) {
        Py_ssize_t q;
        if (i < 0)
            q = pid;
        else if (r->heap[i].value - r->heap[i].error <= reach)
            q = r->heap[i].pid;
        else
            continue;
        if (!r->simple[q] && r->fcost[q] != 0) simple = 0;
        PyObject *v = PyLong_FromSsize_t(q);
        if (!v) goto done;
        PyList_SET_ITEM(cands, at++, v);
    }
    if (simple) {
        simples = PyList_New(n);
        if (!simples) goto done;
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *v = PyLong_FromLongLong(r->simple[PyLong_AsSsize_t(PyList_GET_ITEM(cands, i))]);
            if (!v) goto done;
            PyList_SET_ITEM(simples, i, v);
        }
        result = PyObject_CallFunction(r->best_cb, "OOOO", cands, simples, Py_None, Py_None);
    } else {
        hold_while(r, 0.0, 1.0);  /* decided with exact money: no Add1 jump from this run */
        sel = selected_list(r);
        deaths = death_list(r);
        if (sel && deaths) result = PyObject_CallFunction(r->best_cb, "OOOO", cands, Py_None, sel, deaths);
    }
done:
    Py_XDECREF(cands);
    Py_XDECREF(simples);
    Py_XDECREF(sel);
    Py_XDECREF(deaths);
    if (!result) return -1;
    Py_ssize_t best = PyLong_AsSsize_t(result);
    Py_DECREF(result);
    if (best == -1 && PyErr_Occurred()) return -1;
    if (best < 0 || best >= r->p->projects) {
        PyErr_SetString(PyExc_ValueError, "best: no such project");
        return -1;
    }
    return best;
}

/* Every supporter pays x or all it has. Returns 0, or 1 when one is too close to call. */
static int pay(Run *r, Py_ssize_t pid, double x, double error, double dx, Py_ssize_t step) {
    const Prepared *p = r->p;
    double nearest = INFINITY;
    Py_ssize_t *members = r->mem + p->mstart[pid];
    Py_ssize_t len = r->mlen[pid];
    for (Py_ssize_t i = 0; i < len; i++) {
        Py_ssize_t g = members[i];
        if (r->death[g] >= 0) continue;
        double gap = r->money[g] - x;
        double tolerance = SAFETY * (error + r->err[g]);
        if (gap > tolerance) {
            if (r->track) {
                double rate = (dx - r->slope[g]) * 1.000001 + 1e-12;
                if (rate > 0 && (gap - tolerance) / rate < nearest) nearest = (gap - tolerance) / rate;
                r->slope[g] -= dx;
            }
            r->money[g] = gap;
            r->err[g] += error;
        } else if (gap < -tolerance) {
            if (r->track) {
                double rate = (r->slope[g] - dx) * 1.000001 + 1e-12;
                if (rate > 0 && (-gap - tolerance) / rate < nearest) nearest = (-gap - tolerance) / rate;
                r->slope[g] = 0.0;
            }
            r->money[g] = r->err[g] = 0.0;
            r->death[g] = step;
            for (Py_ssize_t j = p->gstart[g]; j < p->gstart[g + 1]; j++) r->dead_in[p->glist[j]]++;
        } else {
            return 1;
        }
    }
    if (r->track && nearest < INFINITY) hold_while(r, nearest, 1.0);
    return 0;
}

static int add_tie(Run *r, Py_ssize_t chosen, Py_ssize_t other) {
    PyObject *pair = Py_BuildValue("(nn)", chosen, other);
    if (!pair) return -1;
    int status = PyList_Append(r->ties, pair);
    Py_DECREF(pair);
    return status;
}

/* The run itself. Returns 0 when done, 1 when a payment was too close to call, -1 on a Python error. */
static int go(Run *r) {
    const Prepared *p = r->p;
    Py_ssize_t *scratch = r->selected + p->projects;  /* room for refresh_near's stale list */
    while (r->heap_size) {
        Entry top = pop(r);
        Py_ssize_t pid = top.pid, key = top.rank;
        double x, error, dx, value, verr, vslope;
        int found = current_share(r, pid, &x, &error, &dx);
        if (found < 0) return -1;
        if (found == SHARE_NONE) continue;
        rho(r, pid, x, error, dx, &value, &verr, &vslope);
        Py_ssize_t step = r->nselected;
        if (r->heap_size) {
            Entry *o = &r->heap[0];
            double other = o->value, margin = verr + o->error;
            if (margin == 0 && value == other) {  /* both exactly known and equal (zero cost): the tie rule */
                if (key > o->rank) {
                    push(r, value, pid, verr, step, vslope);
                    continue;
                }
                if (r->ties != Py_None && r->cls[pid] == r->cls[o->pid] && add_tie(r, pid, o->pid) < 0) return -1;
            } else if (value > other + margin) {
                push(r, value, pid, verr, step, vslope);
                continue;
            } else if (value >= other - margin) {  /* too close to call on floats */
                if (o->step != step) {  /* the other's value is an old lower bound: bring it up to date first */
                    Entry stale = pop(r);
                    if (refresh_entry(r, stale.pid, step) < 0) return -1;
                    push(r, value, pid, verr, step, vslope);
                    continue;
                }
                if (refresh_near(r, value + verr, step, scratch) < 0) return -1;
                Py_ssize_t best = exact_best(r, pid, value + verr, step);
                if (best < 0) return -1;
                if (best != pid) {  /* buy the exact winner now; pid goes back with its current value */
                    Py_ssize_t i = 0;
                    while (i < r->heap_size && r->heap[i].pid != best) i++;
                    if (i == r->heap_size) {
                        PyErr_SetString(PyExc_ValueError, "best: not a candidate");
                        return -1;
                    }
                    r->heap[i] = r->heap[--r->heap_size];
                    heapify(r);
                    push(r, value, pid, verr, step, vslope);
                    pid = best;
                    found = current_share(r, pid, &x, &error, &dx);
                    if (found < 0) return -1;
                    if (found == SHARE_NONE) {
                        PyErr_SetString(PyExc_ValueError, "best: unaffordable");
                        return -1;
                    }
                    rho(r, pid, x, error, dx, &value, &verr, &vslope);
                }
            }
            if (r->track) {  /* pid beats every other project's lower bound: how long would it? */
                for (Py_ssize_t i = 0; i < r->heap_size; i++) {
                    Entry *e = &r->heap[i];
                    if (e->value - e->error > value + verr)
                        hold_while(r, e->value - value - verr - e->error, vslope - e->slope);
                    else if (vslope != 0 || e->slope != 0)
                        hold_while(r, 0.0, 1.0);
                }
            }
        }
        if (r->fcost[pid] != 0) {
            if (pay(r, pid, x, error, dx, step)) return 1;
            r->worst += error;
            for (Py_ssize_t j = p->ostart[pid]; j < p->ostart[pid + 1]; j++) r->touched[p->olist[j]] = step;
        }
        r->selected[r->nselected++] = pid;
    }
    return 0;
}

static int read_doubles(PyObject *obj, Py_ssize_t n, double *out) {
    PyObject *seq = PySequence_Fast(obj, "expected a list of floats");
    if (!seq) return -1;
    if (PySequence_Fast_GET_SIZE(seq) != n) {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_ValueError, "expected one value per project");
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        out[i] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(seq, i));
        if (out[i] == -1.0 && PyErr_Occurred()) {
            Py_DECREF(seq);
            return -1;
        }
    }
    Py_DECREF(seq);
    return 0;
}

static int read_indices(PyObject *obj, Py_ssize_t n, Py_ssize_t *out) {
    PyObject *seq = PySequence_Fast(obj, "expected a list of ints");
    if (!seq) return -1;
    if (n >= 0 && PySequence_Fast_GET_SIZE(seq) != n) {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_ValueError, "expected one value per project");
        return -1;
    }
    n = PySequence_Fast_GET_SIZE(seq);
    for (Py_ssize_t i = 0; i < n; i++) {
        out[i] = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(seq, i));
        if (out[i] == -1 && PyErr_Occurred()) {
            Py_DECREF(seq);
            return -1;
        }
    }
    Py_DECREF(seq);
    return 0;
}

static PyObject *run(PyObject *self, PyObject *args) {
    PyObject *capsule, *fcost, *rank, *cls, *enter, *best_cb, *afford_cb, *ties;
    double e, stable0;
    int cost_utility, track;
    (void)self;
    if (!PyArg_ParseTuple(args, "OOOOOdppdOOO", &capsule, &fcost, &rank, &cls, &enter, &e, &cost_utility, &track,
                          &stable0, &best_cb, &afford_cb, &ties))
        return NULL;
    const Prepared *p = PyCapsule_GetPointer(capsule, "mescore.prepared");
    if (!p) return NULL;
    if (ties != Py_None && !PyList_Check(ties)) {
        PyErr_SetString(PyExc_TypeError, "ties must be a list or None");
        return NULL;
    }
    Py_ssize_t P = p->projects, G = p->groups, entries = p->mstart[P];
    Run r;
    memset(&r, 0, sizeof r);
    r.p = p;
    r.e = e;
    r.cost_utility = cost_utility;
    r.track = track;
    r.stable = stable0;
    r.worst = 2 * EPS * e;
    r.best_cb = best_cb;
    r.afford_cb = afford_cb;
    r.ties = ties;
    size_t pz = (size_t)P + 1, gz = (size_t)G + 1;
    double *fc = malloc(sizeof(double) * pz);
    Py_ssize_t *rk = malloc(sizeof(Py_ssize_t) * pz), *cl = malloc(sizeof(Py_ssize_t) * pz);
    Py_ssize_t *entering = malloc(sizeof(Py_ssize_t) * pz);
    r.fcost = fc;
    r.rank = rk;
    r.cls = cl;
    r.mem = malloc(sizeof(Py_ssize_t) * ((size_t)entries + 1));
    r.mlen = malloc(sizeof(Py_ssize_t) * pz);
    r.dead_in = calloc(pz, sizeof(Py_ssize_t));
    r.touched = malloc(sizeof(Py_ssize_t) * pz);
    r.known_step = malloc(sizeof(Py_ssize_t) * pz);
    r.lweight = malloc(sizeof(int64_t) * pz);
    r.simple = calloc(pz, sizeof(int64_t));
    r.known_none = calloc(pz, sizeof(int));
    r.known_x = malloc(sizeof(double) * pz);
    r.known_err = malloc(sizeof(double) * pz);
    r.known_dx = malloc(sizeof(double) * pz);
    r.money = malloc(sizeof(double) * gz);
    r.slope = malloc(sizeof(double) * gz);
    r.err = malloc(sizeof(double) * gz);
    r.death = malloc(sizeof(Py_ssize_t) * gz);
    r.pending = malloc(sizeof(Py_ssize_t) * ((size_t)p->longest + 1));
    r.heap = malloc(sizeof(Entry) * (pz + 1));
    r.selected = malloc(sizeof(Py_ssize_t) * 2 * pz);
    PyObject *result = NULL;
    if (!fc || !rk || !cl || !entering || !r.mem || !r.mlen || !r.dead_in || !r.touched || !r.known_step ||
        !r.lweight || !r.simple || !r.known_none || !r.known_x || !r.known_err || !r.known_dx || !r.money ||
        !r.slope || !r.err || !r.death || !r.pending || !r.heap || !r.selected) {
        PyErr_NoMemory();
        goto done;
    }
    if (read_doubles(fcost, P, fc) < 0 || read_indices(rank, P, rk) < 0 || read_indices(cls, P, cl) < 0)
        goto done;
    PyObject *enter_seq = PySequence_Fast(enter, "enter must be a list");
    if (!enter_seq) goto done;
    Py_ssize_t nenter = PySequence_Fast_GET_SIZE(enter_seq);
    if (nenter > P) {
        Py_DECREF(enter_seq);
        PyErr_SetString(PyExc_ValueError, "too many entries");
        goto done;
    }
    for (Py_ssize_t i = 0; i < nenter; i++) {
        entering[i] = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(enter_seq, i));
        if ((entering[i] == -1 && PyErr_Occurred()) || entering[i] < 0 || entering[i] >= P) {
            Py_DECREF(enter_seq);
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "enter: no such project");
            goto done;
        }
    }
    Py_DECREF(enter_seq);
    memcpy(r.mem, p->mlist, sizeof(Py_ssize_t) * (size_t)entries);
    for (Py_ssize_t q = 0; q < P; q++) {
        r.mlen[q] = p->mstart[q + 1] - p->mstart[q];
        int64_t w = 0;
        for (Py_ssize_t i = p->mstart[q]; i < p->mstart[q + 1]; i++) w += p->weight[p->mlist[i]];
        r.lweight[q] = w;
        r.touched[q] = -1;
        r.known_step[q] = -1;
    }
    for (Py_ssize_t g = 0; g < G; g++) {
        r.money[g] = e;
        r.slope[g] = 1.0;
        r.err[g] = 2 * EPS * e;
        r.death[g] = -1;
    }
    for (Py_ssize_t i = 0; i < nenter; i++) {  /* every supporter holds e: the first share is the equal split */
        Py_ssize_t q = entering[i];
        double x = fc[q] / (double)r.lweight[q], value, verr, vslope;
        rho(&r, q, x, 4 * EPS * (x + e), 0.0, &value, &verr, &vslope);
        Entry *en = &r.heap[r.heap_size++];
        en->value = value;
        en->rank = rk[q];
        en->pid = q;
        en->error = verr;
        en->step = 0;
        en->slope = 0.0;
        r.simple[q] = r.lweight[q];
    }
    heapify(&r);
    int status = go(&r);
    if (status < 0) goto done;
    if (status == 1) {
        result = Py_None;
        Py_INCREF(result);
        goto done;
    }
    PyObject *sel = selected_list(&r), *deaths = death_list(&r);
    if (sel && deaths) result = Py_BuildValue("(OOd)", sel, deaths, track ? r.stable : 0.0);
    Py_XDECREF(sel);
    Py_XDECREF(deaths);
done:
    free(fc);
    free(rk);
    free(cl);
    free(entering);
    free(r.mem);
    free(r.mlen);
    free(r.dead_in);
    free(r.touched);
    free(r.known_step);
    free(r.lweight);
    free(r.simple);
    free(r.known_none);
    free(r.known_x);
    free(r.known_err);
    free(r.known_dx);
    free(r.money);
    free(r.slope);
    free(r.err);
    free(r.death);
    free(r.pending);
    free(r.heap);
    free(r.selected);
    return result;
}

/* ---- Add1: one run for a range of endowments -------------------------------------------------------
 * interval(prepared, fcost, rank, enter, late, e_lo, step, k) follows the run at every endowment e_lo + t·step,
 * t in [0, k], at once. It returns (selection, k') when every endowment with t in [0, k'] (an integer,
 * k' <= k) certainly gives that selection in that order, or None when even t = 0 is not certain.
 *
 * Every group's money lies between two affine functions of t (its lower and upper band); every project's
 * share and value likewise. Each band holds the exact value at every t of the range:
 * - a share only falls as money rises: the share with the lower money bounds it above, with the upper below;
 * - above: u bounds the share with money m when F(u) = sum of w·min(m, u) >= cost (F rises with u). Along
 *   t, with m and u affine, F is concave, so F >= cost at both ends certifies the chord u between them;
 * - below: for any split of the supporters into C and U, F(l) <= sum over C of w·m + W_U·l. With l's slope
 *   chosen to cancel C's, that bound is one number for every t: below cost, l is below the share everywhere;
 * - money after a payment is max(m - x, 0), between max(lower m - upper x, 0) and max(upper m - lower x, 0).
 *   A group that goes from paying its share to paying all it has inside the range has a kink there: bounded
 *   below by the line itself or by zero, whichever is tight at t = 0, and above by the chord (max(., 0) is
 *   convex). Bands are made tight at t = 0, so a range run is almost never uncertain where it starts.
 * A comparison of two affine bands that holds at both ends holds at every t between. A decision that holds at
 * t = 0 but not at t = k shortens the range to where it still holds; one uncertain at t = 0 gives None.
 * A project its supporters cannot afford at t = 0 but perhaps later in the range stays a candidate ("maybe"):
 * the run goes on only where it is certainly unaffordable or certainly beaten.
 * Floats: every sum carries SAFETY times the textbook bound on its rounding (n·2^-52 of the sum of its
 * magnitudes), and every band is widened by the rounding of its coefficients, so nothing is decided that
 * floats cannot tell. Tested against the exact engine at every endowment of random, near-tie, crossing and
 * crowded ranges (tests/domain/test_tally_engines.py). */

enum { BAND_OK = 0, BAND_NONE = 1, BAND_UNCERTAIN = 2, BAND_MAYBE = 3 };

typedef struct {
    const Prepared *p;
    const double *fcost;
    const Py_ssize_t *rank;
    int cost_utility;
    double k;                        /* the range still certified: t in [0, k] */
    double *la, *lb, *ua, *ub;       /* per group: money between la + lb·t and ua + ub·t */
    char *dead;                      /* per group: no money anywhere in the range */
    char *maybe;                     /* per project: not affordable at t = 0, perhaps from tu[pid] + 1 on */
    double *tu;
    double *vla, *vlb, *vua, *vub;   /* per project: its value between vla + vlb·t and vua + vub·t */
    double *xla, *xlb, *xua, *xub;   /* per project: its share, likewise */
    Py_ssize_t *fresh, *touched;     /* the step its bands were made at; the step after a supporter last paid */
    int64_t *gw;                     /* one project's supporters with money, gathered: weights, bands */
    double *ga, *gb, *gc, *gd, *m;
    Py_ssize_t *pend;
} Sweep;

typedef struct {
    double x, paid, slope, err, u;
    int64_t weight;  /* of the supporters who pay x in full */
    int above;       /* F(u) >= cost is certain: u bounds the share from above */
} Found;

/* The share x with sum of w·min(a + b·t, x) = cost over the n gathered groups; 1 when they cannot afford it.
 * err bounds the rounding of paid + weight·x against cost, and of the capped groups' money moving with
 * slope over any distance up to span in t; slope is the sum of w·b over the capped groups. */
static int band_share(Sweep *s, const double *a, const double *b, Py_ssize_t n, double t, double span, double cost,
                      Found *f) {
    const int64_t *w = s->gw;
    double *m = s->m;
    Py_ssize_t *pend = s->pend;
    int64_t weight = 0;
    double size = cost;
    for (Py_ssize_t i = 0; i < n; i++) {
        m[i] = a[i] + b[i] * t;
        pend[i] = i;
        weight += w[i];
        size += (double)w[i] * (fabs(a[i]) + fabs(b[i]) * (t + span));
    }
    double paid = 0.0, slope = 0.0, top = -INFINITY;
    Py_ssize_t np = n, passes = 0;
    while (weight > 0) {
        passes++;
        double x = (cost - paid) / (double)weight;
        double err = SAFETY * (double)(n + 2 * passes + 8) * EPS * (size + (double)weight * fabs(x));
        double u = x + 3 * err / (double)weight;
        double s_paid = 0.0, s_slope = 0.0, fu = 0.0, s_top = top;
        int64_t s_weight = 0;
        Py_ssize_t kept = 0;
        for (Py_ssize_t j = 0; j < np; j++) {
            Py_ssize_t i = pend[j];
            double mi = m[i], wi = (double)w[i];
            if (mi < x) {
                s_paid += wi * mi;
                s_slope += wi * b[i];
                s_weight += w[i];
                if (mi > s_top) s_top = mi;
            } else {
                pend[kept++] = i;
                fu += wi * (mi < u ? mi : u);
            }
        }
        if (kept == np) {
            f->x = x;
            f->paid = paid;
            f->slope = slope;
            f->err = err;
            f->weight = weight;
            f->u = u;
            f->above = top <= u && paid + fu - err >= cost;
            return 0;
        }
        paid += s_paid;
        slope += s_slope;
        weight -= s_weight;
        top = s_top;
        np = kept;
    }
    return 1;
}

/* Sum of w·min(a + b·t, u) over the gathered groups, less a bound on its rounding. */
static double band_f(const Sweep *s, const double *a, const double *b, Py_ssize_t n, double t, double u) {
    double f = 0.0, size = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        double mi = a[i] + b[i] * t, wi = (double)s->gw[i];
        f += wi * (mi < u ? mi : u);
        size += wi * (fabs(a[i]) + fabs(b[i]) * t + fabs(u));
    }
    return f - SAFETY * (double)(n + 8) * EPS * size;
}

/* A certain upper bound on the share at t with the lower money of the gathered groups. */
static int upper_end(Sweep *s, Py_ssize_t n, double t, double cost, double *u) {
    Found f;
    if (band_share(s, s->ga, s->gb, n, t, 0.0, cost, &f)) return BAND_UNCERTAIN;
    if (f.above) {
        *u = f.u;
        return BAND_OK;
    }
    double margin = 3 * f.err / (double)f.weight;
    for (int i = 0; i < 3; i++) {  /* supporters near the share: a wider margin, checked on its own */
        margin *= 256;
        if (band_f(s, s->ga, s->gb, n, t, f.x + margin) >= cost) {
            *u = f.x + margin;
            return BAND_OK;
        }
    }
    return BAND_UNCERTAIN;
}

/* The largest integer t in [0, k] with a + b·t > margin0 + margin1·t, given that it holds at t = 0. */
static double last_true(double a, double b, double margin0, double margin1, double k) {
    double slope = b - margin1, gap = a - margin0;
    double t = slope < 0 ? floor(gap / -slope * (1 - 1e-9)) : k;
    if (!(t <= k)) t = k;
    if (!(t >= 0)) t = 0;
    for (int i = 0; i < 4 && t > 0 && !(a + b * t > margin0 + margin1 * t); i++) t -= 1;
    if (t > 0 && !(a + b * t > margin0 + margin1 * t)) t = 0;
    return t;
}

static void set_value(Sweep *s, Py_ssize_t pid) {
    double cost = s->fcost[pid], k = s->k;
    if (!s->cost_utility) {
        s->vla[pid] = s->xla[pid];
        s->vlb[pid] = s->xlb[pid];
        s->vua[pid] = s->xua[pid];
        s->vub[pid] = s->xub[pid];
        return;
    }
    double la = s->xla[pid] / cost, lb = s->xlb[pid] / cost, ua = s->xua[pid] / cost, ub = s->xub[pid] / cost;
    s->vla[pid] = la - 4 * EPS * (fabs(la) + fabs(lb) * k);
    s->vlb[pid] = lb;
    s->vua[pid] = ua + 4 * EPS * (fabs(ua) + fabs(ub) * k);
    s->vub[pid] = ub;
}

/* Bring pid's bands up to date at step. BAND_NONE: its supporters cannot afford it anywhere in the range
 * (which may have been shortened for that); BAND_UNCERTAIN: whether they can is not certain at t = 0. */
static int refresh(Sweep *s, Py_ssize_t pid, Py_ssize_t step) {
    const Prepared *p = s->p;
    double cost = s->fcost[pid];
    s->fresh[pid] = step;
    if (cost == 0) {
        s->xla[pid] = s->xlb[pid] = s->xua[pid] = s->xub[pid] = 0.0;
        s->vla[pid] = s->vlb[pid] = s->vua[pid] = s->vub[pid] = 0.0;
        return BAND_OK;
    }
    double k = s->k, la = 0.0, lb = 0.0, ua = 0.0, ub = 0.0, size = cost;
    Py_ssize_t n = 0;
    for (Py_ssize_t i = p->mstart[pid]; i < p->mstart[pid + 1]; i++) {
        Py_ssize_t g = p->mlist[i];
        if (s->dead[g]) continue;
        double w = (double)p->weight[g];
        s->gw[n] = p->weight[g];
        s->ga[n] = s->la[g];
        s->gb[n] = s->lb[g];
        s->gc[n] = s->ua[g];
        s->gd[n] = s->ub[g];
        la += w * s->la[g];
        lb += w * s->lb[g];
        ua += w * s->ua[g];
        ub += w * s->ub[g];
        size += w * (fabs(s->la[g]) + fabs(s->ua[g]) + (fabs(s->lb[g]) + fabs(s->ub[g])) * k);
        n++;
    }
    double err = SAFETY * (double)(n + 8) * EPS * size;  /* of the totals below, at any t in [0, k] */
    if (la - err > cost) {  /* affordable at t = 0 with the lower money: keep the range where it still is */
        if (!(la + lb * k - err > cost)) s->k = k = last_true(la, lb, cost + err, 0.0, k);
    } else if (ua + err < cost) {  /* unaffordable at t = 0 even with the upper money */
        if (ua + ub * k + err < cost) return BAND_NONE;
        /* perhaps affordable from tu + 1 on: a candidate there, whose value is bounded below (see above) */
        double tu = last_true(-ua, -ub, err - cost, 0.0, k);
        Found f;
        if (band_share(s, s->gc, s->gd, n, k, k, cost, &f)) {
            s->k = tu;
            return BAND_NONE;
        }
        double slope = -f.slope / (double)f.weight, low = f.x - 3 * f.err / (double)f.weight;
        s->tu[pid] = tu;
        s->xla[pid] = low - slope * k - 4 * EPS * (fabs(low) + fabs(slope) * k);
        s->xlb[pid] = slope;
        s->xua[pid] = INFINITY;
        s->xub[pid] = 0.0;
        set_value(s, pid);
        return BAND_MAYBE;
    } else {
        return BAND_UNCERTAIN;
    }
    double u0, uk;
    if (upper_end(s, n, 0.0, cost, &u0)) return BAND_UNCERTAIN;
    if (k > 0) {
        if (upper_end(s, n, k, cost, &uk)) return BAND_UNCERTAIN;
    } else {
        uk = u0;
    }
    /* below: split the supporters as the share with the upper money at t = 0 does (the line is tight at
     * t = 0, where the range starts: a range run is then almost never uncertain at its start) */
    Found f;
    if (band_share(s, s->gc, s->gd, n, 0.0, k, cost, &f)) return BAND_UNCERTAIN;
    double slope = -f.slope / (double)f.weight, low = f.x - 3 * f.err / (double)f.weight;
    s->xla[pid] = low - 4 * EPS * fabs(low);
    s->xlb[pid] = slope;
    s->xub[pid] = k > 0 ? (uk - u0) / k : 0.0;
    s->xua[pid] = u0 + 8 * EPS * (fabs(u0) + fabs(uk));
    set_value(s, pid);
    return BAND_OK;
}

/* Whether c's value is certainly below q's: at every t in [0, k] (0), only from t = 0 up to some t < k
 * (2: shorten(s, c, q) keeps that part), or not even at t = 0 (1). */
static int beats(const Sweep *s, Py_ssize_t c, Py_ssize_t q) {
    if (s->fcost[c] == 0 && s->fcost[q] == 0) return s->rank[c] < s->rank[q] ? 0 : 1;
    double a = s->vla[q] - s->vua[c], b = s->vlb[q] - s->vub[c], k = s->k;
    double m0 = 8 * EPS * (fabs(s->vla[q]) + fabs(s->vua[c])), m1 = 8 * EPS * (fabs(s->vlb[q]) + fabs(s->vub[c]));
    if (!(a > m0)) return 1;
    return a + b * k > m0 + m1 * k ? 0 : 2;
}

static void shorten(Sweep *s, Py_ssize_t c, Py_ssize_t q) {
    double a = s->vla[q] - s->vua[c], b = s->vlb[q] - s->vub[c];
    double m0 = 8 * EPS * (fabs(s->vla[q]) + fabs(s->vua[c])), m1 = 8 * EPS * (fabs(s->vlb[q]) + fabs(s->vub[c]));
    s->k = last_true(a, b, m0, m1, s->k);
}

/* q is not affordable for t in [0, tu[q]]: c comes before it wherever c beats it or it is not affordable.
 * Keeps the part of the range where one of the two holds at every t. */
static void cover(Sweep *s, Py_ssize_t c, Py_ssize_t q) {
    double a = s->vla[q] - s->vua[c], b = s->vlb[q] - s->vub[c], k = s->k, tu = s->tu[q];
    double m0 = 8 * EPS * (fabs(s->vla[q]) + fabs(s->vua[c])), m1 = 8 * EPS * (fabs(s->vlb[q]) + fabs(s->vub[c]));
    if (k <= tu) return;
    if (a > m0) {
        double tb = last_true(a, b, m0, m1, k);
        s->k = tb > tu ? tb : tu;
    } else if (!(a + b * (tu + 1) > m0 + m1 * (tu + 1) && a + b * k > m0 + m1 * k)) {
        s->k = tu;
    }
}

/* Group g pays its share of c: max(m - x, 0), between the bands described above. */
static void pay_band(Sweep *s, Py_ssize_t g, Py_ssize_t c) {
    double k = s->k;
    double xla = s->xla[c], xlb = s->xlb[c], xua = s->xua[c], xub = s->xub[c];
    double la = s->la[g], lb = s->lb[g], ua = s->ua[g], ub = s->ub[g];
    /* lower: A = la - xua + (lb - xub)·t, less its rounding; max(A, 0) >= λ·A for any λ in [0, 1] */
    double aa = la - xua, ab = lb - xub;
    aa -= 4 * EPS * (fabs(la) + fabs(xua) + (fabs(lb) + fabs(xub)) * k);
    double a0 = aa;
    if (a0 >= 0) {  /* A itself where it is positive at t = 0 (tight there; it may go below zero later) */
        s->la[g] = aa;
        s->lb[g] = ab;
    } else {  /* else zero (tight at t = 0) */
        s->la[g] = s->lb[g] = 0.0;
    }
    /* upper: B = ua - xla + (ub - xlb)·t, plus its rounding; max(B, 0) is B where B >= 0, else below its chord */
    double ba = ua - xla, bb = ub - xlb;
    ba += 4 * EPS * (fabs(ua) + fabs(xla) + (fabs(ub) + fabs(xlb)) * k);
    double eb = 4 * EPS * (fabs(ba) + fabs(bb) * k), b0 = ba, bk = ba + bb * k;
    if (b0 + eb <= 0 && bk + eb <= 0) {  /* pays all it has everywhere in the range */
        s->la[g] = s->lb[g] = s->ua[g] = s->ub[g] = 0.0;
        s->dead[g] = 1;
    } else if (b0 - eb >= 0 && bk - eb >= 0) {
        s->ua[g] = ba;
        s->ub[g] = bb;
    } else {
        double c0 = b0 + eb > 0 ? b0 + eb : 0.0, ck = bk + eb > 0 ? bk + eb : 0.0;
        s->ub[g] = k > 0 ? (ck - c0) / k : 0.0;
        s->ua[g] = c0 + 8 * EPS * (c0 + ck);
    }
}

static PyObject *interval(PyObject *self, PyObject *args) {
    PyObject *capsule, *fcost_obj, *rank_obj, *enter, *late;
    double e_lo, e_step, k;
    int cost_utility;
    (void)self;
    if (!PyArg_ParseTuple(args, "OOOOOdddp", &capsule, &fcost_obj, &rank_obj, &enter, &late, &e_lo, &e_step, &k,
                          &cost_utility))
        return NULL;
    const Prepared *p = PyCapsule_GetPointer(capsule, "mescore.prepared");
    if (!p) return NULL;
    Py_ssize_t P = p->projects, G = p->groups;
    size_t pz = (size_t)P + 1, gz = (size_t)G + 1, lz = (size_t)p->longest + 1;
    Sweep s;
    memset(&s, 0, sizeof s);
    s.p = p;
    s.cost_utility = cost_utility;
    s.k = k >= 0 ? floor(k) : 0.0;
    double *fcost = malloc(sizeof(double) * pz);
    Py_ssize_t *rank = malloc(sizeof(Py_ssize_t) * pz), *act = malloc(sizeof(Py_ssize_t) * pz);
    Py_ssize_t *selected = malloc(sizeof(Py_ssize_t) * pz);
    s.fcost = fcost;
    s.rank = rank;
    s.la = malloc(sizeof(double) * gz);
    s.lb = malloc(sizeof(double) * gz);
    s.ua = malloc(sizeof(double) * gz);
    s.ub = malloc(sizeof(double) * gz);
    s.dead = calloc(gz, 1);
    s.maybe = calloc(pz, 1);
    s.tu = malloc(sizeof(double) * pz);
    s.vla = malloc(sizeof(double) * pz);
    s.vlb = malloc(sizeof(double) * pz);
    s.vua = malloc(sizeof(double) * pz);
    s.vub = malloc(sizeof(double) * pz);
    s.xla = malloc(sizeof(double) * pz);
    s.xlb = malloc(sizeof(double) * pz);
    s.xua = malloc(sizeof(double) * pz);
    s.xub = malloc(sizeof(double) * pz);
    s.fresh = malloc(sizeof(Py_ssize_t) * pz);
    s.touched = calloc(pz, sizeof(Py_ssize_t));
    s.gw = malloc(sizeof(int64_t) * lz);
    s.ga = malloc(sizeof(double) * lz);
    s.gb = malloc(sizeof(double) * lz);
    s.gc = malloc(sizeof(double) * lz);
    s.gd = malloc(sizeof(double) * lz);
    s.m = malloc(sizeof(double) * lz);
    s.pend = malloc(sizeof(Py_ssize_t) * lz);
    PyObject *result = NULL;
    Py_ssize_t nact = 0, nsel = 0;
    if (!fcost || !rank || !act || !selected || !s.la || !s.lb || !s.ua || !s.ub || !s.dead || !s.maybe || !s.tu || !s.vla || !s.vlb ||
        !s.vua || !s.vub || !s.xla || !s.xlb || !s.xua || !s.xub || !s.fresh || !s.touched || !s.gw || !s.ga ||
        !s.gb || !s.gc || !s.gd || !s.m || !s.pend) {
        PyErr_NoMemory();
        goto done;
    }
    if (read_doubles(fcost_obj, P, fcost) < 0 || read_indices(rank_obj, P, rank) < 0) goto done;
    PyObject *seq = PySequence_Fast(enter, "enter must be a list");
    if (!seq) goto done;
    Py_ssize_t nenter = nact = PySequence_Fast_GET_SIZE(seq);
    if (nact > P) {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_ValueError, "too many entries");
        goto done;
    }
    for (Py_ssize_t i = 0; i < nact; i++) {
        act[i] = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(seq, i));
        if ((act[i] == -1 && PyErr_Occurred()) || act[i] < 0 || act[i] >= P) {
            Py_DECREF(seq);
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "enter: no such project");
            goto done;
        }
    }
    Py_DECREF(seq);
    Py_ssize_t nlate;
    if (!(seq = PySequence_Fast(late, "late must be a list"))) goto done;
    nlate = PySequence_Fast_GET_SIZE(seq);
    for (Py_ssize_t i = 0; i < nlate && nact < P; i++) {
        Py_ssize_t q = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(seq, i));
        if ((q == -1 && PyErr_Occurred()) || q < 0 || q >= P) {
            Py_DECREF(seq);
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "late: no such project");
            goto done;
        }
        act[nact++] = q;
    }
    Py_DECREF(seq);
    double tau = 2 * EPS * (fabs(e_lo) + fabs(e_step) * s.k);  /* e_lo and step were rounded to floats */
    for (Py_ssize_t g = 0; g < G; g++) {
        s.la[g] = e_lo - tau;
        s.ua[g] = e_lo + tau;
        s.lb[g] = s.ub[g] = e_step;
    }
    for (Py_ssize_t i = nenter; i < nact; i++) {  /* affordable only from inside the range: worked out when needed */
        Py_ssize_t q = act[i];
        s.maybe[q] = 1;
        s.vla[q] = s.vlb[q] = 0.0;  /* a value is never below zero */
        s.fresh[q] = -1;  /* stale: worked out when first needed */
    }
    for (Py_ssize_t i = 0; i < nenter; i++) {  /* every supporter holds e_lo or more: the share is the equal split */
        Py_ssize_t q = act[i];
        int64_t w = 0;
        for (Py_ssize_t j = p->mstart[q]; j < p->mstart[q + 1]; j++) w += p->weight[p->mlist[j]];
        double x = fcost[q] / (double)w;
        s.xla[q] = x - 4 * EPS * x;
        s.xua[q] = x + 4 * EPS * x;
        s.xlb[q] = s.xub[q] = 0.0;
        set_value(&s, q);
        s.fresh[q] = 0;
    }
    while (nact) {
        Py_ssize_t step = nsel, at = -1;
        for (Py_ssize_t i = 0; i < nact; i++) {  /* the least lower value at t = 0 among those affordable there */
            Py_ssize_t q = act[i];
            if (s.maybe[q]) continue;
            if (at < 0 || s.vla[q] < s.vla[act[at]] || (s.vla[q] == s.vla[act[at]] && rank[q] < rank[act[at]])) at = i;
        }
        if (at < 0) {  /* the rest are not affordable at t = 0: keep the part of the range where none is */
            int again = 0;
            for (Py_ssize_t i = 0; i < nact; i++) {
                Py_ssize_t q = act[i];
                if (s.touched[q] <= s.fresh[q]) continue;
                int found = refresh(&s, q, step);
                if (found == BAND_UNCERTAIN) goto uncertain;
                s.maybe[q] = found == BAND_MAYBE;
                if (found == BAND_NONE) act[i--] = act[--nact];
                again |= found == BAND_OK;
            }
            if (again) continue;
            for (Py_ssize_t i = 0; i < nact; i++)
                if (s.tu[act[i]] < s.k) s.k = s.tu[act[i]];
            break;
        }
        Py_ssize_t c = act[at];
        if (s.touched[c] > s.fresh[c]) {  /* a supporter paid since: bring it up to date, then look again */
            int found = refresh(&s, c, step);
            if (found == BAND_UNCERTAIN) goto uncertain;
            if (found == BAND_NONE) act[at] = act[--nact];
            s.maybe[c] = found == BAND_MAYBE;
            continue;
        }
        int again = 0;
        for (Py_ssize_t i = 0; i < nact && !again; i++) {
            Py_ssize_t q = act[i];
            if (q == c) continue;
            int order = beats(&s, c, q);
            if (!order) continue;
            if (s.touched[q] <= s.fresh[q]) {
                if (s.maybe[q]) {
                    cover(&s, c, q);
                    continue;
                }
                if (order == 1) goto uncertain;  /* two values too close to tell at t = 0 */
                shorten(&s, c, q);  /* the two values cross inside the range */
                continue;
            }
            int found = refresh(&s, q, step);  /* the other's bands are old: bring them up to date, look again */
            if (found == BAND_UNCERTAIN) goto uncertain;
            s.maybe[q] = found == BAND_MAYBE;
            if (found == BAND_NONE) act[i] = act[--nact];
            again = 1;
        }
        if (again) continue;
        if (fcost[c] != 0) {
            for (Py_ssize_t i = p->mstart[c]; i < p->mstart[c + 1]; i++) {
                Py_ssize_t g = p->mlist[i];
                if (!s.dead[g]) pay_band(&s, g, c);
            }
            for (Py_ssize_t j = p->ostart[c]; j < p->ostart[c + 1]; j++) s.touched[p->olist[j]] = step + 1;
        }
        selected[nsel++] = c;
        act[at] = act[--nact];
    }
    PyObject *chosen = PyList_New(nsel);
    if (!chosen) goto done;
    for (Py_ssize_t i = 0; i < nsel; i++) {
        PyObject *v = PyLong_FromSsize_t(selected[i]);
        if (!v) {
            Py_DECREF(chosen);
            goto done;
        }
        PyList_SET_ITEM(chosen, i, v);
    }
    result = Py_BuildValue("(Nd)", chosen, s.k);
    goto done;
uncertain:
    result = Py_None;
    Py_INCREF(result);
done:
    free(fcost);
    free(rank);
    free(act);
    free(selected);
    free(s.la);
    free(s.lb);
    free(s.ua);
    free(s.ub);
    free(s.dead);
    free(s.maybe);
    free(s.tu);
    free(s.vla);
    free(s.vlb);
    free(s.vua);
    free(s.vub);
    free(s.xla);
    free(s.xlb);
    free(s.xua);
    free(s.xub);
    free(s.fresh);
    free(s.touched);
    free(s.gw);
    free(s.ga);
    free(s.gb);
    free(s.gc);
    free(s.gd);
    free(s.m);
    free(s.pend);
    return result;
}

static PyMethodDef methods[] = {
    {"prepare", prepare, METH_VARARGS, "prepare(weights, members, projects_of, overlap) -> the election's structure"},
    {"run", run, METH_VARARGS, "run(prepared, fcost, rank, tie_class, enter, e, cost_utility, track, stable, best, "
                               "afford, ties) -> (selected, deaths, stable), or None when a payment is too close"},
    {"interval", interval, METH_VARARGS, "interval(prepared, fcost, rank, enter, late, e_lo, step, k, cost_utility) -> "
                                         "(selection, k') that every endowment e_lo + t*step, t in [0, k'], gives, or None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_mescore", "One certified float run of the Method of Equal Shares (see fast_mes).", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__mescore(void) { return PyModule_Create(&module); }
