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

/* ---- Add1: one run for a whole range of endowments -------------------------------------------------
 * Every group's money and every share as an interval over endowments in [e_lo, e_hi]. A share only falls
 * as any supporter's money rises, and money after a payment, max(m - x, 0), rises with m and falls with x:
 * so the share with the least money bounds it above, with the most money below, and each interval holds
 * the true value at every endowment of the range. When every purchase's value interval lies below every
 * other project's, and every affordability is certain at both ends, the whole range gives one selection.
 * Intervals are widened by 1e-9 of the endowment or the share, far above the float error (n·2^-52 for
 * sums of n terms), so nothing is decided in floats that floats cannot tell. Returns that selection, or
 * None when any decision differs within the range (then the caller steps through it as before). */

#define WIDEN 1e-9

/* The share of pid with money m (supporters with money left), or INFINITY when they cannot afford it;
 * *total gets what they hold in all. */
static double plain_share(const Prepared *p, const double *m, const Py_ssize_t *members, Py_ssize_t len,
                          double cost, Py_ssize_t *scratch, double *total) {
    int64_t weight = 0;
    double held = 0.0;
    Py_ssize_t n = 0;
    for (Py_ssize_t i = 0; i < len; i++) {
        Py_ssize_t g = members[i];
        if (m[g] > 0) {
            weight += p->weight[g];
            held += (double)p->weight[g] * m[g];
            scratch[n++] = g;
        }
    }
    *total = held;
    double paid = 0.0;
    while (weight) {
        double x = (cost - paid) / (double)weight;
        Py_ssize_t kept = 0, nshort = 0;
        double s_paid = 0.0;
        int64_t s_weight = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_ssize_t g = scratch[i];
            if (m[g] < x) {
                nshort++;
                s_paid += (double)p->weight[g] * m[g];
                s_weight += p->weight[g];
            } else {
                scratch[kept++] = g;
            }
        }
        if (!nshort) return x;
        paid += s_paid;
        weight -= s_weight;
        n = kept;
    }
    return INFINITY;
}

typedef struct {
    double lo, hi;
    Py_ssize_t rank, pid, step;
} Span;

static int span_before(const Span *a, const Span *b) {
    return a->lo < b->lo || (a->lo == b->lo && a->rank < b->rank);
}

static void span_down(Span *h, Py_ssize_t n, Py_ssize_t i) {
    for (;;) {
        Py_ssize_t l = 2 * i + 1, m = i;
        if (l < n && span_before(&h[l], &h[m])) m = l;
        if (l + 1 < n && span_before(&h[l + 1], &h[m])) m = l + 1;
        if (m == i) return;
        Span t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

static void span_up(Span *h, Py_ssize_t i) {
    while (i > 0) {
        Py_ssize_t up = (i - 1) / 2;
        if (!span_before(&h[i], &h[up])) return;
        Span t = h[i];
        h[i] = h[up];
        h[up] = t;
        i = up;
    }
}

/* The value interval of pid now: 0 = known, 1 = certainly unaffordable, 2 = uncertain. */
static int span_value(const Prepared *p, const double *lo, const double *hi, Py_ssize_t pid, double cost,
                      int cost_utility, double e_hi, Py_ssize_t *scratch, double *vlo, double *vhi, double *xlo,
                      double *xhi) {
    if (cost == 0) {
        *vlo = *vhi = *xlo = *xhi = 0.0;
        return 0;
    }
    const Py_ssize_t *members = p->mlist + p->mstart[pid];
    Py_ssize_t len = p->mstart[pid + 1] - p->mstart[pid];
    double most, least;
    double a = plain_share(p, hi, members, len, cost, scratch, &most);
    if (a == INFINITY) return most < cost * (1 - WIDEN) ? 1 : 2;
    double b = plain_share(p, lo, members, len, cost, scratch, &least);
    if (b == INFINITY || least < cost * (1 + WIDEN)) return 2;
    *xlo = a - WIDEN * (a + e_hi);
    *xhi = b + WIDEN * (b + e_hi);
    *vlo = cost_utility ? *xlo / cost : *xlo;
    *vhi = cost_utility ? *xhi / cost : *xhi;
    return 0;
}

static PyObject *interval(PyObject *self, PyObject *args) {
    PyObject *capsule, *fcost_obj, *rank_obj, *enter;
    double e_lo, e_hi;
    int cost_utility;
    (void)self;
    if (!PyArg_ParseTuple(args, "OOOOddp", &capsule, &fcost_obj, &rank_obj, &enter, &e_lo, &e_hi, &cost_utility))
        return NULL;
    const Prepared *p = PyCapsule_GetPointer(capsule, "mescore.prepared");
    if (!p) return NULL;
    Py_ssize_t P = p->projects, G = p->groups;
    size_t pz = (size_t)P + 1, gz = (size_t)G + 1;
    double *fcost = malloc(sizeof(double) * pz), *lo = malloc(sizeof(double) * gz), *hi = malloc(sizeof(double) * gz);
    double *xlo = malloc(sizeof(double) * pz), *xhi = malloc(sizeof(double) * pz);
    Py_ssize_t *rank = malloc(sizeof(Py_ssize_t) * pz), *entering = malloc(sizeof(Py_ssize_t) * pz);
    Py_ssize_t *touched = malloc(sizeof(Py_ssize_t) * pz), *selected = malloc(sizeof(Py_ssize_t) * pz);
    Py_ssize_t *scratch = malloc(sizeof(Py_ssize_t) * ((size_t)p->longest + 1));
    Span *heap = malloc(sizeof(Span) * (pz + 1));
    PyObject *result = NULL;
    Py_ssize_t n = 0, nsel = 0, nenter = 0;
    if (!fcost || !lo || !hi || !xlo || !xhi || !rank || !entering || !touched || !selected || !scratch || !heap) {
        PyErr_NoMemory();
        goto done;
    }
    if (read_doubles(fcost_obj, P, fcost) < 0 || read_indices(rank_obj, P, rank) < 0) goto done;
    PyObject *seq = PySequence_Fast(enter, "enter must be a list");
    if (!seq) goto done;
    nenter = PySequence_Fast_GET_SIZE(seq);
    for (Py_ssize_t i = 0; i < nenter && i < P; i++) {
        entering[i] = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(seq, i));
        if ((entering[i] == -1 && PyErr_Occurred()) || entering[i] < 0 || entering[i] >= P) {
            Py_DECREF(seq);
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "enter: no such project");
            goto done;
        }
    }
    Py_DECREF(seq);
    if (nenter > P) {
        PyErr_SetString(PyExc_ValueError, "too many entries");
        goto done;
    }
    double tau = WIDEN * e_hi;
    for (Py_ssize_t g = 0; g < G; g++) {
        lo[g] = e_lo - tau;
        hi[g] = e_hi + tau;
    }
    for (Py_ssize_t q = 0; q < P; q++) touched[q] = -1;
    for (Py_ssize_t i = 0; i < nenter; i++) {
        Py_ssize_t q = entering[i];
        Span *s = &heap[n];
        int found = span_value(p, lo, hi, q, fcost[q], cost_utility, e_hi, scratch, &s->lo, &s->hi, &xlo[q], &xhi[q]);
        if (found == 2) goto uncertain;
        if (found == 1) continue;
        s->rank = rank[q];
        s->pid = q;
        s->step = 0;
        n++;
    }
    for (Py_ssize_t i = n / 2 - 1; i >= 0; i--) span_down(heap, n, i);
    while (n) {
        Span top = heap[0];
        heap[0] = heap[--n];
        span_down(heap, n, 0);
        Py_ssize_t step = nsel;
        if (touched[top.pid] > top.step) {  /* a supporter paid since: bring it up to date */
            int found = span_value(p, lo, hi, top.pid, fcost[top.pid], cost_utility, e_hi, scratch, &top.lo, &top.hi,
                                   &xlo[top.pid], &xhi[top.pid]);
            if (found == 2) goto uncertain;
            if (found == 1) continue;
            top.step = step;
            heap[n++] = top;
            span_up(heap, n - 1);
            continue;
        }
        if (n) {
            Span *o = &heap[0];
            int zero_tie = top.lo == 0 && top.hi == 0 && o->lo == 0 && o->hi == 0 && top.rank < o->rank;
            if (!(top.hi < o->lo) && !zero_tie) {
                if (touched[o->pid] > o->step) {  /* the other's bound is old: refresh it, then look again */
                    Span other = heap[0];
                    heap[0] = heap[--n];
                    span_down(heap, n, 0);
                    int found = span_value(p, lo, hi, other.pid, fcost[other.pid], cost_utility, e_hi, scratch,
                                           &other.lo, &other.hi, &xlo[other.pid], &xhi[other.pid]);
                    if (found == 2) goto uncertain;
                    if (found == 0) {
                        other.step = step;
                        heap[n++] = other;
                        span_up(heap, n - 1);
                    }
                    heap[n++] = top;
                    span_up(heap, n - 1);
                    continue;
                }
                goto uncertain;  /* two projects whose values overlap somewhere in the range */
            }
        }
        Py_ssize_t pid = top.pid;
        if (fcost[pid] != 0) {
            double a = xlo[pid], b = xhi[pid];
            for (Py_ssize_t i = p->mstart[pid]; i < p->mstart[pid + 1]; i++) {
                Py_ssize_t g = p->mlist[i];
                if (hi[g] <= 0) continue;
                double l = lo[g] - b - tau, h = hi[g] - a;
                lo[g] = l > 0 ? l : 0.0;
                hi[g] = h > 0 ? h + tau : 0.0;
            }
            for (Py_ssize_t j = p->ostart[pid]; j < p->ostart[pid + 1]; j++) touched[p->olist[j]] = step + 1;
        }
        selected[nsel++] = pid;
    }
    result = PyList_New(nsel);
    if (!result) goto done;
    for (Py_ssize_t i = 0; i < nsel; i++) {
        PyObject *v = PyLong_FromSsize_t(selected[i]);
        if (!v) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, i, v);
    }
    goto done;
uncertain:
    result = Py_None;
    Py_INCREF(result);
done:
    free(fcost);
    free(lo);
    free(hi);
    free(xlo);
    free(xhi);
    free(rank);
    free(entering);
    free(touched);
    free(selected);
    free(scratch);
    free(heap);
    return result;
}

static PyMethodDef methods[] = {
    {"prepare", prepare, METH_VARARGS, "prepare(weights, members, projects_of, overlap) -> the election's structure"},
    {"run", run, METH_VARARGS, "run(prepared, fcost, rank, tie_class, enter, e, cost_utility, track, stable, best, "
                               "afford, ties) -> (selected, deaths, stable), or None when a payment is too close"},
    {"interval", interval, METH_VARARGS, "interval(prepared, fcost, rank, enter, e_lo, e_hi, cost_utility) -> the "
                                         "selection every endowment in [e_lo, e_hi] gives, or None when that is not certain"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_mescore", "One certified float run of the Method of Equal Shares (see fast_mes).", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__mescore(void) { return PyModule_Create(&module); }
