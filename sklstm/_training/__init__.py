"""The training engine: a compiled loop over Keras models, its pool of traced loops, the fused Adam step, the step
loop under a ``MultiWorkerMirroredStrategy`` and seeding. It knows Keras models, not estimators;
:mod:`sklstm.estimators` calls it."""
